import { withReportsLock } from "../history/lock.ts";

/**
 * One lock from a measuring run's start to its commit (issue 22 H7): a second run on the same
 * reports refuses at once (E_LOCKED, naming the holder) instead of measuring on the same cores,
 * and an unwritable reports folder fails before the run (H9). A run that is not saved
 * (`--no-save`) writes nothing under reports/ and takes no lock.
 */
export function holdReportsForRun<T>(
  reportsDir: string,
  save: boolean,
  work: () => Promise<T>,
): Promise<T> {
  return save ? withReportsLock(reportsDir, work, { timeoutMs: 0, purpose: "load" }) : work();
}
