import path from "node:path";
import { writeTrendPages } from "../../pipeline/trend-pages.ts";
import { ciCommitUrl } from "../../runners/environment.ts";
import { EXIT } from "../../schema/index.ts";
import { parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";

/** `perfgate report`: regenerate the trend pages from committed runs. */
const OPTIONS = { "reports-dir": { type: "string", default: "reports" } } as const;

export const reportCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "report [--reports-dir reports]",
    flags: { "reports-dir": "the reports folder holding runs/" },
    examples: ["perfgate report"],
  },
  async run(argv, io) {
    const { values } = parseCommandArgs("report", argv, OPTIONS);
    const dir = path.resolve(io.cwd, values["reports-dir"]);
    const commitUrl = ciCommitUrl(io.env);
    const { files, warnings } = await writeTrendPages(dir, commitUrl ? { commitUrl } : {});
    for (const warning of warnings) io.err(`warning: ${warning}\n`);
    io.out(`wrote ${files.length} files under ${path.relative(io.cwd, dir) || "."}\n`);
    return EXIT.ok;
  },
};
