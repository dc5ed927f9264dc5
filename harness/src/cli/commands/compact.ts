import { projectReports } from "../../config/load.ts";
import { compactRuns, monthsBefore } from "../../history/archive.ts";
import { writeTrendPages } from "../../pipeline/trend-pages.ts";
import { EXIT } from "../../schema/index.ts";
import type { Command } from "../command.ts";
import { integer, parseFlags, reportsDirFlag, text } from "../flags.ts";

const OPTIONS = {
  "keep-months": integer("keep this many recent months as separate runs", [0, 1200], 3),
  before: text("archive every run before this month (YYYY-MM) instead"),
  "reports-dir": reportsDirFlag("the reports folder"),
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
    const before = values.before ?? monthsBefore(new Date(), values["keep-months"]);
    const { reportsDir, redact } = await projectReports(io.cwd, values["reports-dir"]);
    const { archived, months } = await compactRuns(reportsDir, before);
    await writeTrendPages(reportsDir, { redact });
    io.out(
      `archived ${archived} runs started before ${before}${months.length ? ` into ${months.map((m) => `archive/${m}.json`).join(", ")}` : ""}\n`,
    );
    return EXIT.ok;
  },
};
