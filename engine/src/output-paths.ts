import { constants } from "node:fs";
import { open, rm, stat } from "node:fs/promises";
import path from "node:path";

/** k6 v0.48.0 answers an output it cannot open (`--out json=/nonexistent/x`) with exit -1. */
export const OUTPUT_EXIT = 255;

/** The run's output files, each with the flag that named it. */
export interface OutputTargets {
  summaryExport?: string | undefined;
  outJson?: string | undefined;
  hdrOut?: string | undefined;
}

const FLAGS: [keyof OutputTargets, string][] = [
  ["outJson", "--out json="],
  ["summaryExport", "--summary-export "],
  ["hdrOut", "--hdr-out "],
];

/**
 * Opens every output file before the test starts, so a path that cannot be written is found
 * now and not after the test, when its results would be lost (k6 itself finds a bad
 * `--summary-export` only at the end). A file that did not exist is removed again: a run that
 * fails later leaves nothing behind. Returns one problem per unwritable output.
 */
export async function unwritableOutputs(targets: OutputTargets, cwd: string): Promise<string[]> {
  const problems: string[] = [];
  for (const [key, flag] of FLAGS) {
    const file = targets[key];
    if (file === undefined) continue;
    const problem = await checkWritable(path.resolve(cwd, file));
    if (problem) problems.push(`${flag}${file}: cannot write ${problem}`);
  }
  return problems;
}

async function checkWritable(file: string): Promise<string | undefined> {
  const existed = await stat(file).then(
    (s) => s,
    () => undefined,
  );
  if (existed?.isDirectory()) return "(it is a directory); name a file";
  try {
    // Append mode: an existing file is not truncated by the check.
    const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND);
    await handle.close();
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const hint =
      code === "ENOENT" || code === "ENOTDIR"
        ? `(folder ${path.dirname(file)} does not exist); create it first`
        : `(${message})`;
    return hint;
  }
  if (!existed) await rm(file, { force: true });
  return undefined;
}
