import type { CliIo } from "../src/cli/command.ts";

/**
 * A CLI's IO for tests: stdout and stderr captured each on its own, and together in the order
 * they were written (`output`).
 */
export function captureIo(
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): CliIo & { output: () => string; stdout: () => string; stderr: () => string } {
  let text = "";
  let out = "";
  let err = "";
  return {
    out: (t) => {
      out += t;
      text += t;
    },
    err: (t) => {
      err += t;
      text += t;
    },
    cwd,
    env,
    signal: new AbortController().signal,
    output: () => text,
    stdout: () => out,
    stderr: () => err,
  };
}
