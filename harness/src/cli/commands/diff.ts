import { readFile } from "node:fs/promises";
import path from "node:path";
import { runDir } from "../../history/run-store.ts";
import { renderRunDiffMarkdown } from "../../render/run-diff-markdown.ts";
import { buildRunDiff } from "../../report/run-diff.ts";
import { EXIT, HarnessError, parseRunJson, type RunResult } from "../../schema/index.ts";
import { parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";

async function loadRun(reportsDir: string, ref: string, cwd: string): Promise<RunResult> {
  const file = ref.endsWith(".json")
    ? path.resolve(cwd, ref)
    : path.join(runDir(reportsDir, ref), "run.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new HarnessError(
      "E_RUN_NOT_FOUND",
      `no run "${ref}" (${path.relative(cwd, file)} is missing)`,
      {
        hint: "name a folder of reports/runs/ or a path to a run.json",
        exitCode: EXIT.usage,
        cause,
      },
    );
  }
  return parseRunJson(text, path.relative(cwd, file));
}

/** `perfgate diff <runA> <runB>`: markdown diff of two committed runs. */
const OPTIONS = { "reports-dir": { type: "string", default: "reports" } } as const;

export const diffCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "diff <runA> <runB>",
    flags: { "reports-dir": "the reports folder the run ids are looked up in" },
    examples: ["perfgate diff 20261125T020304Z_abc1234 20261126T020304Z_def5678"],
  },
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("diff", argv, OPTIONS);
    if (positionals.length !== 2) {
      throw new HarnessError("E_USAGE", `diff: expected two runs, got ${positionals.length}`, {
        hint: "perfgate diff 20261125T020304Z_abc1234 20261126T020304Z_def5678",
        exitCode: EXIT.usage,
      });
    }
    const reportsDir = path.resolve(io.cwd, values["reports-dir"]);
    const [a, b] = await Promise.all(positionals.map((ref) => loadRun(reportsDir, ref, io.cwd)));
    io.out(renderRunDiffMarkdown(buildRunDiff(a as RunResult, b as RunResult)));
    return EXIT.ok;
  },
};
