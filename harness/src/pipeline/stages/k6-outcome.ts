import { readFile } from "node:fs/promises";
import { normalizeK6Summary } from "../../adapters/k6.ts";
import type { K6Engine, K6RunRaw } from "../../runners/k6.ts";
import {
  EXIT,
  HarnessError,
  type QualityWarning,
  type Suite,
  type Verdict,
} from "../../schema/index.ts";
import { judgeK6Thresholds } from "../../verdicts/thresholds.ts";

/** One scenario's k6 outputs, normalized: its load suite, threshold verdicts and warnings. */
export interface K6Outcome {
  suite: Suite;
  verdicts: Verdict[];
  warnings: QualityWarning[];
  /** k6 exited 105: stopped by Ctrl+C, the summary is partial. */
  interrupted: boolean;
}

/** Read a finished scenario's summary export (and histograms) and normalize them. */
export async function readK6Outcome(raw: K6RunRaw, engine: K6Engine): Promise<K6Outcome> {
  const summaryExport = await readJson(raw.summaryFile);
  const hdr = raw.hdrFile
    ? ((await readJson(raw.hdrFile).catch(() => undefined)) as Record<string, string> | undefined)
    : undefined;
  const normalized = normalizeK6Summary({
    scenario: raw.scenario,
    summaryExport,
    hdr,
    tool: { name: engine.kind === "k6" ? "k6" : "perfgate-engine", version: engine.version },
    source: raw.summaryFile,
    meta: { engine: engine.kind },
  });
  return {
    suite: normalized.suite,
    verdicts: judgeK6Thresholds(raw.scenario, normalized.thresholds),
    warnings: normalized.warnings,
    interrupted: raw.exitCode === 105,
  };
}

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, "utf8").catch((cause) => {
    throw new HarnessError("E_RAW_MISSING", `${file}: the tool wrote no output`, {
      exitCode: EXIT.toolFailed,
      cause,
    });
  });
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new HarnessError("E_RAW_CORRUPT", `${file}: not valid JSON`, {
      exitCode: EXIT.toolFailed,
      cause,
    });
  }
}
