import type { CliIo } from "../src/cli/command.ts";

/** A CLI's IO for tests: stdout and stderr captured together, in the order they were written. */
export function captureIo(
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): CliIo & { output: () => string } {
  let text = "";
  return {
    out: (t) => {
      text += t;
    },
    err: (t) => {
      text += t;
    },
    cwd,
    env,
    signal: new AbortController().signal,
    output: () => text,
  };
}
