/** What a parity run is compared on: checks by name, counters' counts, thresholds' verdicts. */
export interface ParityOutcome {
  checks: Record<string, { passes: number; fails: number }>;
  counts: Record<string, number>;
  thresholds: Record<string, boolean>;
}

interface ExportGroup {
  checks?: Record<string, { passes: number; fails: number }>;
  groups?: Record<string, ExportGroup>;
}

function collectChecks(group: ExportGroup, into: ParityOutcome["checks"]): void {
  for (const [name, check] of Object.entries(group.checks ?? {}))
    into[name] = { passes: check.passes, fails: check.fails };
  for (const child of Object.values(group.groups ?? {})) collectChecks(child, into);
}

/** Reads a `--summary-export` (k6's legacy shape) into the compared outcome. */
export function summarizeExport(summary: {
  root_group: ExportGroup;
  metrics: Record<string, { count?: number; thresholds?: Record<string, boolean> }>;
}): ParityOutcome {
  const checks: ParityOutcome["checks"] = {};
  collectChecks(summary.root_group, checks);
  const counts: Record<string, number> = {};
  const thresholds: Record<string, boolean> = {};
  for (const [name, metric] of Object.entries(summary.metrics)) {
    if (metric.count !== undefined && !name.includes("{") && !/^data_/.test(name))
      counts[name] = metric.count;
    for (const [source, failed] of Object.entries(metric.thresholds ?? {}))
      thresholds[`${name}: ${source}`] = failed;
  }
  return { checks, counts, thresholds };
}
