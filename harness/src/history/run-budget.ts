import type { RunResult } from "../schema/index.ts";

/** A committed run.json may take this much (issue #9): history must stay cheap to clone. */
export const RUN_BUDGET_BYTES = 50 * 1024;

/** The histogram kept longest: the request latency every report and comparison leads with. */
const PRIMARY = "http_req_duration";

function size(run: RunResult): number {
  return Buffer.byteLength(`${JSON.stringify(run)}\n`);
}

/**
 * Keep a run within the history budget by dropping encoded histograms, largest first and the
 * primary request latency's last; the quantile summaries stay, so reports and trends are
 * unchanged and only exact merging of those metrics is lost. A long soak is what needs it: its
 * latencies span milliseconds to seconds, and each histogram grows to ~9 KB. A run still over
 * budget with no histogram left is kept whole (nothing measured is thrown away) and said so.
 */
export function fitRunBudget(run: RunResult, budgetBytes = RUN_BUDGET_BYTES): RunResult {
  if (size(run) <= budgetBytes) return run;
  const fitted = structuredClone(run);
  const candidates = fitted.suites
    .flatMap((suite) => suite.metrics.map((metric) => ({ suite: suite.id, metric })))
    .filter(({ metric }) => metric.hdr !== undefined)
    .sort(
      (a, b) =>
        Number(a.metric.id === PRIMARY) - Number(b.metric.id === PRIMARY) ||
        (b.metric.hdr?.length ?? 0) - (a.metric.hdr?.length ?? 0),
    );
  const dropped: string[] = [];
  for (const { suite, metric } of candidates) {
    if (size(fitted) <= budgetBytes) break;
    delete metric.hdr;
    dropped.push(`${suite}/${metric.id}`);
  }
  const over = size(fitted) > budgetBytes;
  fitted.warnings.push({
    code: "over-budget",
    message: `run.json over the ${budgetBytes / 1024} KB history budget: dropped the histograms of ${dropped.join(", ")} (their quantiles are kept)${over ? `; still ${(size(fitted) / 1024).toFixed(1)} KB, kept whole` : ""}`,
  });
  return fitted;
}
