import { renderTerminal } from "../render/terminal.ts";
import { buildRunReport, type RunReportModel } from "../report/index.ts";
import { type RunResult, redactorFor } from "../schema/index.ts";
import type { CliIo } from "./command.ts";

/** Colour only on a TTY, never in CI, and never when NO_COLOR is set (no-color.org). */
export function useColor(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  if (env.CI && env.CI !== "false") return false;
  return isTTY === true;
}

/**
 * A run's terminal summary, coloured when `useColor` says so, redacted on its way out (the
 * config's `redact` names with the built-in ones), whatever the run was built from.
 */
export function printRunSummary(
  io: CliIo,
  run: RunResult | RunReportModel,
  redact: readonly string[] = [],
): void {
  const model = "schemaVersion" in run ? buildRunReport(run) : run;
  const text = renderTerminal(model, { color: useColor(io.env, process.stdout.isTTY) });
  io.out(redactorFor(redact).text(text));
}

/** A logger prefixing each line with the command's name and the seconds since it started. */
export function elapsedLogger(prefix: string, err: (text: string) => void): (line: string) => void {
  const started = Date.now();
  return (line) =>
    err(`[${prefix} ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
}
