import path from "node:path";
import { projectReports } from "../../config/load.ts";
import { writeTrendPages } from "../../pipeline/trend-pages.ts";
import { ciCommitUrl } from "../../runners/environment.ts";
import { EXIT } from "../../schema/index.ts";
import type { Command } from "../command.ts";
import { parseFlags, reportsDirFlag } from "../flags.ts";

const OPTIONS = { "reports-dir": reportsDirFlag("the reports folder holding runs/") };

/** `perfgate report`: regenerate the trend pages from committed runs. */
export const reportCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "report [--reports-dir reports]",
    examples: ["perfgate report"],
  },
  async run(argv, io) {
    const { values } = parseFlags("report", argv, OPTIONS);
    const { reportsDir: dir, redact } = await projectReports(io.cwd, values["reports-dir"]);
    const { files, warnings } = await writeTrendPages(dir, {
      redact,
      commitUrl: ciCommitUrl(io.env),
    });
    for (const warning of warnings) io.err(`warning: ${warning}\n`);
    io.out(`wrote ${files.length} files under ${path.relative(io.cwd, dir) || "."}\n`);
    return EXIT.ok;
  },
};
