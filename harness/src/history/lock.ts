import { AsyncLocalStorage } from "node:async_hooks";
import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { EXIT, HarnessError } from "../schema/index.ts";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Lock files this async context holds: a writer inside a held lock does not wait for itself. */
const held = new AsyncLocalStorage<ReadonlySet<string>>();

export interface ReportsLockOptions {
  /** How long to wait for another process's lock; 0 refuses at once. */
  timeoutMs?: number;
  /** What waits, for the message: "load run", "compact". */
  purpose?: string;
}

/**
 * A reports folder that cannot be written (read-only, not a folder) is a clear error naming the
 * path (issue 22 H9: it was E_INTERNAL with a stack), not a crash.
 */
function unwritable(target: string, cause: unknown): HarnessError {
  const code = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
  return new HarnessError("E_WRITE", `${target}: cannot write the reports folder (${code})`, {
    hint:
      code === "EROFS" || code === "EACCES" || code === "EPERM"
        ? "make the reports folder writable, pass --reports-dir <writable folder>, or use --no-save"
        : "pass --reports-dir <a folder>, or use --no-save",
    exitCode: EXIT.toolFailed,
    cause,
  });
}

async function tryCreate(lockFile: string): Promise<boolean> {
  try {
    const handle = await open(lockFile, "wx");
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw unwritable(lockFile, error);
  }
}

async function acquire(reportsDir: string, lockFile: string, options: ReportsLockOptions) {
  try {
    await mkdir(reportsDir, { recursive: true });
  } catch (error) {
    throw unwritable(reportsDir, error);
  }
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await tryCreate(lockFile)) return;
    const owner = Number((await readFile(lockFile, "utf8").catch(() => "")).trim());
    if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
      await rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      const waited = timeoutMs > 0 ? ` (waited ${Math.round(timeoutMs / 1000)} s)` : "";
      throw new HarnessError(
        "E_LOCKED",
        `${options.purpose ?? "perfgate"}: ${reportsDir} is in use by another perfgate run (process ${owner || "?"}, lock ${lockFile})${waited}`,
        {
          hint: "runs measured at the same time share the cores and disturb each other's numbers: wait for that run to finish, or remove the lock if that process is gone",
          exitCode: EXIT.toolFailed,
        },
      );
    }
    await sleep(100);
  }
}

/**
 * Serialize users of `reports/` across processes with an O_EXCL lock file holding the owner's
 * pid. A lock left by a dead process is taken over; a live one is waited for, up to
 * `timeoutMs` (0: refuse at once). Re-entrant: `work` and what it calls may take the same lock
 * again (a load run holds it from start to finish; the run store takes it to write).
 */
export async function withReportsLock<T>(
  reportsDir: string,
  work: () => Promise<T>,
  options: ReportsLockOptions | number = {},
): Promise<T> {
  const opts = typeof options === "number" ? { timeoutMs: options } : options;
  const lockFile = path.join(path.resolve(reportsDir), ".lock");
  const mine = held.getStore() ?? new Set<string>();
  if (mine.has(lockFile)) return work();
  await acquire(reportsDir, lockFile, opts);
  try {
    return await held.run(new Set([...mine, lockFile]), work);
  } finally {
    await rm(lockFile, { force: true });
  }
}
