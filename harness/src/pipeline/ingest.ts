import { readFile } from "node:fs/promises";
import path from "node:path";
import { type IngestFormat, ingest } from "../adapters/ingest.ts";
import {
  EXIT,
  HarnessError,
  type QualityWarning,
  type Suite,
  type Verdict,
} from "../schema/index.ts";
import { judgeK6Thresholds } from "../verdicts/thresholds.ts";

/** What a set of another tool's output files yields, in the order the files were given. */
export interface IngestedFiles {
  suites: Suite[];
  verdicts: Verdict[];
  warnings: QualityWarning[];
}

/** The suite id of a file: `--id`, else its base name without the extension. */
function suiteId(file: string, id: string | undefined): string {
  return (
    id ??
    path
      .basename(file)
      .replace(/\.(json|txt|log)$/, "")
      .replace(/[^\w.-]+/g, "-")
  );
}

/**
 * Read each file and normalize it as `format`; thresholds a k6 summary judged become verdicts,
 * as for a scenario `perfgate load` ran. A file that cannot be read is a usage error naming it.
 */
export async function ingestFiles(
  cwd: string,
  format: IngestFormat,
  files: readonly string[],
  id: string | undefined,
): Promise<IngestedFiles> {
  const outcome: IngestedFiles = { suites: [], verdicts: [], warnings: [] };
  for (const file of files) {
    const text = await readFile(path.resolve(cwd, file), "utf8").catch((cause) => {
      throw new HarnessError(
        "E_READ",
        `ingest: ${file}: cannot read (${(cause as Error).message})`,
        {
          exitCode: EXIT.usage,
          cause,
        },
      );
    });
    const fileId = suiteId(file, id);
    const result = ingest({ format, text, id: fileId, source: file });
    outcome.suites.push(...result.suites);
    outcome.verdicts.push(
      ...result.verdicts,
      ...judgeK6Thresholds(result.suites[0]?.id ?? fileId, result.thresholds ?? []),
    );
    outcome.warnings.push(...result.warnings);
  }
  return outcome;
}
