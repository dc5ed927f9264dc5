import path from "node:path";
import { compactRuns } from "../../history/archive.ts";
import { writeTrendPages } from "../../pipeline/trend-pages.ts";
import { EXIT } from "../../schema/index.ts";
import type { Command } from "../command.ts";
import { integer, parseFlags, text } from "../flags.ts";

function monthsAgo(now: Date, months: number): string {
  const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
  return date.toISOString().slice(0, 7);
}

const OPTIONS = {
  "keep-months": integer("keep this many recent months as separate runs", [0, 1200], 3),
  before: text("archive every run before this month (YYYY-MM) instead"),
  "reports-dir": text("the reports folder", "reports"),
};

/** `perfgate compact`: roll old runs into per-month archives, keeping every trend series. */
export const compactCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "compact [--keep-months n | --before YYYY-MM]",
    examples: ["perfgate compact", "perfgate compact --before 2026-06"],
  },
  async run(argv, io) {
    const { values } = parseFlags("compact", argv, OPTIONS);
    const before = values.before ?? monthsAgo(new Date(), values["keep-months"]);
    const reportsDir = path.resolve(io.cwd, values["reports-dir"]);
    const { archived, months } = await compactRuns(reportsDir, before);
    await writeTrendPages(reportsDir);
    io.out(
      `archived ${archived} runs started before ${before}${months.length ? ` into ${months.map((m) => `archive/${m}.json`).join(", ")}` : ""}\n`,
    );
    return EXIT.ok;
  },
};
