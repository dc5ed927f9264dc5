import path from "node:path";
import { runLhci } from "../../pipeline/lhci.ts";
import { runExitCode } from "../../verdicts/thresholds.ts";
import type { Command } from "../command.ts";
import { integer, parseFlags, text, texts } from "../flags.ts";
import { printRunSummary } from "../tty.ts";

const OPTIONS = {
  runs: integer("Lighthouse runs per page", [1, 100], 3),
  dist: text("serve this built web folder instead of building it"),
  page: texts("a page path to audit (default: lhci/pages.json)"),
};

/**
 * `perfgate lhci`: build the web app, serve it from the real app on loopback, run Lighthouse CI
 * (system Chromium, budgets from lighthouserc.json) on the pages of lhci/pages.json.
 */
export const lhciCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "lhci [--runs n] [--page /path] [--dist dir]",
    examples: ["perfgate lhci", "perfgate lhci --runs 1 --page /"],
  },
  async run(argv, io) {
    const { values } = parseFlags("lhci", argv, OPTIONS);
    const { run, verdicts } = await runLhci({
      root: io.cwd,
      runs: values.runs,
      pagePaths: values.page.length ? values.page : undefined,
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
