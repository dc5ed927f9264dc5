import { z } from "zod";
import { Direction, GitInfo, RunStatus, SCHEMA_VERSION, Unit } from "./run-result.ts";

/** One run reduced to its headline values: what trends need once histograms are dropped. */
export const ArchivedRun = z
  .object({
    runId: z.string().min(1),
    startedAt: z.iso.datetime(),
    status: RunStatus,
    profile: z.string(),
    git: GitInfo,
    /** `<kind>/<suite>/<metric>` -> headline value (median or single value). */
    values: z.record(
      z.string(),
      z.object({ unit: Unit, direction: Direction, value: z.number() }).strict(),
    ),
  })
  .strict();
export type ArchivedRun = z.infer<typeof ArchivedRun>;

/** `reports/archive/<YYYY-MM>.json`: the runs of one month after `perfgate compact`. */
export const MonthArchive = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    month: z.string().regex(/^\d{4}-\d{2}$/, "must be YYYY-MM"),
    runs: z.array(ArchivedRun),
  })
  .strict();
export type MonthArchive = z.infer<typeof MonthArchive>;

/** Headline of a metric: the median of a distribution, else its single value. */
export function headlineValue(metric: {
  summary?: { median: number } | undefined;
  value?: number | undefined;
}): number | undefined {
  return metric.summary?.median ?? metric.value;
}

/** Reduce a run to what its trends need; errored suites contribute nothing. */
export function archiveRun(run: {
  runId: string;
  startedAt: string;
  status: ArchivedRun["status"];
  profile: string;
  git: ArchivedRun["git"];
  suites: {
    kind: string;
    id: string;
    status: string;
    metrics: {
      id: string;
      unit: Unit;
      direction: Direction;
      summary?: { median: number } | undefined;
      value?: number | undefined;
    }[];
  }[];
}): ArchivedRun {
  const values: ArchivedRun["values"] = {};
  for (const suite of run.suites) {
    if (suite.status !== "ok") continue;
    for (const metric of suite.metrics) {
      const value = headlineValue(metric);
      if (value !== undefined)
        values[`${suite.kind}/${suite.id}/${metric.id}`] = {
          unit: metric.unit,
          direction: metric.direction,
          value,
        };
    }
  }
  return {
    runId: run.runId,
    startedAt: run.startedAt,
    status: run.status,
    profile: run.profile,
    git: run.git,
    values,
  };
}
