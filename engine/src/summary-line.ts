import type { InstanceSummary } from "./merge.ts";

/** Marks the one log line (or shared-volume file) that holds a runner's mergeable summary. */
export const SUMMARY_LINE_KIND = "perfgate.runner-summary/v1";

/**
 * What a runner leaves for the collector: its `--summary-export` object and `--hdr-out`
 * histograms (what `mergeSummaries` needs), the tags the operator gave it and its exit code.
 */
export interface RunnerSummary extends InstanceSummary {
  kind: typeof SUMMARY_LINE_KIND;
  instanceId: string | undefined;
  testrunName: string | undefined;
  exitCode: number;
}

export function formatSummaryLine(summary: Omit<RunnerSummary, "kind">): string {
  return JSON.stringify({ kind: SUMMARY_LINE_KIND, ...summary });
}

function asRunnerSummary(value: unknown): RunnerSummary | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Partial<RunnerSummary>;
  if (v.kind !== SUMMARY_LINE_KIND || typeof v.summary?.metrics !== "object") return undefined;
  if (typeof v.histograms !== "object" || typeof v.exitCode !== "number") return undefined;
  return v as RunnerSummary;
}

/**
 * The runner summary in a log (the last line that is one), or in a shared-volume file. Returns
 * undefined when there is none: a stock k6 runner, or a runner that died before the end.
 */
export function parseSummaryLine(log: string): RunnerSummary | undefined {
  const lines = log.split("\n");
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = (lines[i] as string).trim();
    if (!line.startsWith("{") || !line.includes(SUMMARY_LINE_KIND)) continue;
    try {
      const found = asRunnerSummary(JSON.parse(line));
      if (found) return found;
    } catch {
      // A line that merely mentions the marker is not the summary; keep looking upwards.
    }
  }
  return undefined;
}
