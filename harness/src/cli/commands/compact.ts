import path from "node:path";
import { compactRuns } from "../../history/archive.ts";
import { writeTrendPages } from "../../pipeline/trend-pages.ts";
import { EXIT, HarnessError } from "../../schema/index.ts";
import { parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";

function monthsAgo(now: Date, months: number): string {
  const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
  return date.toISOString().slice(0, 7);
}

/** `perfgate compact`: roll old runs into per-month archives, keeping every trend series. */
const OPTIONS = {
  "keep-months": { type: "string", default: "3" },
  before: { type: "string" },
  "reports-dir": { type: "string", default: "reports" },
} as const;

export const compactCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "compact [--keep-months n | --before YYYY-MM]",
    flags: {
      "keep-months": "keep this many recent months as separate runs",
      before: "archive every run before this month instead",
      "reports-dir": "the reports folder",
    },
    examples: ["perfgate compact", "perfgate compact --before 2026-06"],
  },
  async run(argv, io) {
    const { values } = parseCommandArgs("compact", argv, OPTIONS);
    const keep = Number(values["keep-months"]);
    if (!Number.isInteger(keep) || keep < 0) {
      throw new HarnessError(
        "E_USAGE",
        `compact: --keep-months "${values["keep-months"]}" is not a whole number`,
        { exitCode: EXIT.usage },
      );
    }
    const before = values.before ?? monthsAgo(new Date(), keep);
    const reportsDir = path.resolve(io.cwd, values["reports-dir"]);
    const { archived, months } = await compactRuns(reportsDir, before);
    await writeTrendPages(reportsDir);
    io.out(
      `archived ${archived} runs started before ${before}${months.length ? ` into ${months.map((m) => `archive/${m}.json`).join(", ")}` : ""}\n`,
    );
    return EXIT.ok;
  },
};
