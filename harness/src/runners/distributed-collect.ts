import {
  type InstanceSummary,
  judgeMergedThresholds,
  type MergedThreshold,
  mergeSummaries,
  parseSummaryLine,
  type RunnerSummary,
} from "@perfgate/engine";
import { EXIT, HarnessError } from "../schema/index.ts";

/** One runner's output as the collector got it: a pod's log, or a file on the shared volume. */
export interface RunnerOutput {
  /** Pod name or file path, for messages. */
  source: string;
  text: string;
}

export interface CollectedRun {
  runners: RunnerSummary[];
  merged: InstanceSummary;
  thresholds: MergedThreshold[];
}

/**
 * The runners' mergeable summaries, merged exactly and with the thresholds judged again on the
 * merged data. Pure. Every runner of the TestRun must have left one: a missing one means a
 * stock k6 image (it writes no mergeable summary) or a runner that died, and merging the
 * others would report a partial run as a whole one.
 */
export function collectRunnerSummaries(
  outputs: readonly RunnerOutput[],
  parallelism: number,
): CollectedRun {
  const runners: RunnerSummary[] = [];
  const missing: string[] = [];
  for (const output of outputs) {
    const found = parseSummaryLine(output.text);
    if (found) runners.push(found);
    else missing.push(output.source);
  }
  if (missing.length > 0) {
    throw new HarnessError(
      "E_DISTRIBUTED_NO_SUMMARY",
      `distributed: no mergeable summary from ${missing.join(", ")}`,
      {
        hint: "runners must run perfgate's image (deploy/k6-operator/Dockerfile) with PERFGATE_SUMMARY_OUT set; the stock grafana/k6 image runs the same TestRun but leaves only k6's text summary. Check the runner's own log (kubectl logs) for why it stopped",
        exitCode: EXIT.toolFailed,
      },
    );
  }
  const ids = runners.map((r) => r.instanceId ?? "?");
  if (runners.length !== parallelism || new Set(ids).size !== ids.length) {
    throw new HarnessError(
      "E_DISTRIBUTED_RUNNERS",
      `distributed: expected ${parallelism} runners' summaries, got ${runners.length} (instance ids ${ids.join(", ")})`,
      {
        hint: "every runner pod of the TestRun must be collected once; a restarted pod or a stale result file on the shared volume breaks the count",
        exitCode: EXIT.toolFailed,
      },
    );
  }
  runners.sort((a, b) => Number(a.instanceId) - Number(b.instanceId));
  const judged = judgeMergedThresholds(runners, mergeSummaries(runners));
  return { runners, merged: judged.summary, thresholds: judged.thresholds };
}
