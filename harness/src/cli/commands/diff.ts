import path from "node:path";
import { projectReports } from "../../config/load.ts";
import { readRunFile, runDir } from "../../history/run-store.ts";
import { renderRunDiffMarkdown } from "../../render/run-diff-markdown.ts";
import { buildRunDiff } from "../../report/run-diff.ts";
import { EXIT, type RunResult, redactorFor } from "../../schema/index.ts";
import type { Command } from "../command.ts";
import { parseFlags, reportsDirFlag, usageError } from "../flags.ts";

function runFile(reportsDir: string, ref: string, cwd: string): string {
  return ref.endsWith(".json")
    ? path.resolve(cwd, ref)
    : path.join(runDir(reportsDir, ref), "run.json");
}

const OPTIONS = {
  "reports-dir": reportsDirFlag("the reports folder the run ids are looked up in"),
};

/** `perfgate diff <runA> <runB>`: markdown diff of two committed runs. */
export const diffCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "diff <runA> <runB>",
    examples: ["perfgate diff 20261125T020304Z_abc1234 20261126T020304Z_def5678"],
  },
  async run(argv, io) {
    const { values, positionals } = parseFlags("diff", argv, OPTIONS);
    if (positionals.length !== 2) {
      const hint = "perfgate diff 20261125T020304Z_abc1234 20261126T020304Z_def5678";
      throw usageError(`diff: expected two runs, got ${positionals.length}`, hint);
    }
    const { reportsDir, redact } = await projectReports(io.cwd, values["reports-dir"]);
    const [a, b] = await Promise.all(
      positionals.map((ref) => {
        const file = runFile(reportsDir, ref, io.cwd);
        return readRunFile(file, path.relative(io.cwd, file));
      }),
    );
    const markdown = renderRunDiffMarkdown(buildRunDiff(a as RunResult, b as RunResult));
    io.out(redactorFor(redact).text(markdown));
    return EXIT.ok;
  },
};
