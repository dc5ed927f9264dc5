import { readFile } from "node:fs/promises";
import path from "node:path";
import { runLhci } from "../../pipeline/lhci.ts";
import { renderTerminal } from "../../render/terminal.ts";
import { buildRunReport } from "../../report/index.ts";
import { detectChromium } from "../../runners/tools.ts";
import { EXIT, HarnessError } from "../../schema/index.ts";
import { hasFailingVerdict } from "../../verdicts/thresholds.ts";
import { parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { useColor } from "../tty.ts";

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
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1)
      throw new HarnessError("E_USAGE", `lhci: --runs "${values.runs}" is not a positive integer`, {
        exitCode: EXIT.usage,
      });
    const chromium = await detectChromium(io.env);
    if (!chromium.path) {
      throw new HarnessError("E_NO_CHROMIUM", "lhci: no Chromium found", {
        hint: "apt-get install chromium, or set CHROME_PATH",
        exitCode: EXIT.toolFailed,
      });
    }
    const listed = (
      JSON.parse(await readFile(path.join(io.cwd, "lhci/pages.json"), "utf8")) as {
        pages: { id: string; path: string }[];
      }
    ).pages;
    const pages = values.page ? listed.filter((p) => values.page?.includes(p.path)) : listed;
    if (pages.length === 0) {
      throw new HarnessError(
        "E_USAGE",
        `lhci: --page ${values.page?.join(", ")} is not in lhci/pages.json`,
        {
          hint: `pages: ${listed.map((p) => p.path).join(", ")}`,
          exitCode: EXIT.usage,
        },
      );
    }
    const { run, verdicts } = await runLhci({
      root: io.cwd,
      runs,
      pages,
      dist: values.dist ? path.resolve(io.cwd, values.dist) : undefined,
      chromium: { path: chromium.path, version: chromium.version ?? "unknown" },
      env: io.env,
      signal: io.signal,
      log: (line) => io.err(`[perfgate lhci] ${line}\n`),
    });
    io.out(renderTerminal(buildRunReport(run), { color: useColor(io.env, process.stdout.isTTY) }));
    for (const verdict of verdicts.filter((v) => v.status === "fail"))
      io.err(`budget failed: ${verdict.message}\n`);
    return hasFailingVerdict(verdicts) ? EXIT.verdictFailed : EXIT.ok;
  },
};
