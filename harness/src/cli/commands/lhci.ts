import path from "node:path";
import { runLhci } from "../../pipeline/lhci.ts";
import { runExitCode } from "../../verdicts/thresholds.ts";
import { integerFlag, parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { printRunSummary } from "../tty.ts";

/**
 * `perfgate lhci`: build the web app, serve it from the real app on loopback, run Lighthouse CI
 * (system Chromium, budgets from lighthouserc.json) on the pages of lhci/pages.json.
 */
const OPTIONS = {
  runs: { type: "string", default: "3" },
  dist: { type: "string" },
  page: { type: "string", multiple: true },
} as const;

export const lhciCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "lhci [--runs n] [--page /path] [--dist dir]",
    flags: {
      runs: "Lighthouse runs per page",
      dist: "serve this built web folder instead of building it",
      page: "a page path to audit (default: lhci/pages.json)",
    },
    examples: ["perfgate lhci", "perfgate lhci --runs 1 --page /"],
  },
  async run(argv, io) {
    const { values } = parseCommandArgs("lhci", argv, OPTIONS);
    const { run, verdicts } = await runLhci({
      root: io.cwd,
      runs: integerFlag("lhci", "runs", values.runs, 1, 100),
      pagePaths: values.page,
      dist: values.dist ? path.resolve(io.cwd, values.dist) : undefined,
      env: io.env,
      signal: io.signal,
      log: (line) => io.err(`[perfgate lhci] ${line}\n`),
    });
    printRunSummary(io, run);
    for (const verdict of verdicts.filter((v) => v.status === "fail"))
      io.err(`budget failed: ${verdict.message}\n`);
    return runExitCode(run);
  },
};
