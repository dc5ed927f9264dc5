import { z } from "zod";
import type { LighthouseCalibrationConfig } from "../schema/config.ts";
import {
  EXIT,
  formatIssues,
  HarnessError,
  type Metric,
  type Suite,
  type Unit,
  type Verdict,
} from "../schema/index.ts";
import { spread } from "../stats/index.ts";
import { calibrationRecord } from "./lighthouse-calibration.ts";

/** The parts of a Lighthouse result (LHR) perfgate reads. */
const Lhr = z.object({
  requestedUrl: z.string(),
  lighthouseVersion: z.string(),
  categories: z
    .object({ performance: z.object({ score: z.number().nullable() }) })
    .catchall(z.object({ score: z.number().nullable() }).partial()),
  audits: z.record(
    z.string(),
    z.object({ numericValue: z.number().nullable().optional(), details: z.unknown().optional() }),
  ),
  /** The run's CPU benchmark (absent in trimmed or very old results). */
  environment: z.object({ benchmarkIndex: z.number().optional() }).optional(),
  configSettings: z
    .object({
      throttling: z.object({ cpuSlowdownMultiplier: z.number().optional() }).partial().optional(),
    })
    .optional(),
});
type Lhr = z.infer<typeof Lhr>;

/** One entry of LHCI's assertion-results.json. */
const Assertion = z.object({
  url: z.string(),
  name: z.string(),
  auditId: z.string().optional(),
  auditProperty: z.string().optional(),
  level: z.enum(["off", "warn", "error"]),
  passed: z.boolean(),
  operator: z.string(),
  expected: z.number(),
  actual: z.number(),
});

const AUDITS: [string, string, Unit][] = [
  ["largest-contentful-paint", "lcp", "ms"],
  ["first-contentful-paint", "fcp", "ms"],
  ["total-blocking-time", "tbt", "ms"],
  ["speed-index", "speed_index", "ms"],
  ["cumulative-layout-shift", "cls", "score"],
  ["total-byte-weight", "total_bytes", "bytes"],
];

function requestCount(lhr: Lhr): number | undefined {
  const items = (
    lhr.audits["resource-summary"]?.details as
      | { items?: { resourceType: string; requestCount: number }[] }
      | undefined
  )?.items;
  return items?.find((i) => i.resourceType === "total")?.requestCount;
}

/** The run with the median performance score, as LHCI's median-run aggregation picks it. */
function medianRun(lhrs: Lhr[]): Lhr {
  const sorted = [...lhrs].sort(
    (a, b) => (a.categories.performance.score ?? 0) - (b.categories.performance.score ?? 0),
  );
  return sorted[Math.floor((sorted.length - 1) / 2)] as Lhr;
}

/** A budget's per-run values: `categories:<id>` is the category score, else the audit's value. */
function budgetValues(budget: string, runs: Lhr[]): number[] {
  const [auditId, property] = budget.split(":");
  const pick = (l: Lhr): number | null | undefined =>
    auditId === "categories"
      ? l.categories[property ?? ""]?.score
      : property === undefined
        ? l.audits[auditId ?? ""]?.numericValue
        : undefined;
  return runs.map(pick).filter((v): v is number => typeof v === "number");
}

/** Metric ids of the budgets the config calls noisy (`categories:performance` -> performance_score). */
function ungatedMetrics(noisy: readonly string[]): string[] {
  return noisy.flatMap((budget) => {
    if (budget.startsWith("categories:")) return [`${budget.slice("categories:".length)}_score`];
    const audit = AUDITS.find(([id]) => id === budget);
    return audit ? [audit[1]] : [];
  });
}

/** The calibration block of one page's runs, when every LHR reports its benchmarkIndex. */
function calibrationOf(
  runs: { lhr: Lhr; foreignCores: number | undefined }[],
  options: NormalizeOptions,
): Suite["calibration"] {
  const measured = runs.map(({ lhr, foreignCores }) => ({
    benchmarkIndex: lhr.environment?.benchmarkIndex,
    cpuSlowdownMultiplier: lhr.configSettings?.throttling?.cpuSlowdownMultiplier,
    foreignCores,
  }));
  if (measured.some((r) => r.benchmarkIndex === undefined || r.cpuSlowdownMultiplier === undefined))
    return undefined;
  const ungated = ungatedMetrics(options.noisy ?? []);
  return {
    ...calibrationRecord(
      measured as { benchmarkIndex: number; cpuSlowdownMultiplier: number }[],
      options.calibration,
    ),
    ...(ungated.length > 0 ? { ungated } : {}),
  };
}

export interface NormalizeOptions {
  /** The CPU calibration the runs were made with (undefined or false: the configured multiplier). */
  calibration?: LighthouseCalibrationConfig | undefined;
  /** Budgets (assertion keys) reported with their spread instead of gating (config `noisy`). */
  noisy?: readonly string[] | undefined;
}

function pageId(url: string, pages: { id: string; path: string }[]): string {
  const pathname = new URL(url).pathname;
  return (
    pages.find((p) => p.path === pathname)?.id ??
    (pathname.replace(/[^\w]+/g, "-").replace(/^-|-$/g, "") || "home")
  );
}

/**
 * LHRs -> one `lighthouse` suite per page: the median run's figures, with every run's value kept
 * as samples; LHCI assertion results -> verdicts naming the budget and the page. Pure.
 */
export function normalizeLighthouse(
  raw: { lhrs: unknown[]; assertions: unknown[]; runs?: { foreignCores?: number | undefined }[] },
  pages: { id: string; path: string }[],
  options: NormalizeOptions = {},
): { suites: Suite[]; verdicts: Verdict[] } {
  const lhrs: Lhr[] = raw.lhrs.map((data, i) => {
    const parsed = Lhr.safeParse(data);
    if (!parsed.success) {
      throw new HarnessError(
        "E_LHR",
        `lhr #${i}: not a Lighthouse result\n  ${formatIssues(parsed.error.issues).join("\n  ")}`,
        { exitCode: EXIT.schema },
      );
    }
    return parsed.data;
  });
  const byUrl = new Map<string, Lhr[]>();
  const foreign = new Map<Lhr, number | undefined>();
  lhrs.forEach((lhr, i) => {
    byUrl.set(lhr.requestedUrl, [...(byUrl.get(lhr.requestedUrl) ?? []), lhr]);
    foreign.set(lhr, raw.runs?.[i]?.foreignCores);
  });
  const suites: Suite[] = [...byUrl].map(([url, runs]) => {
    const calibration = calibrationOf(
      runs.map((lhr) => ({ lhr, foreignCores: foreign.get(lhr) })),
      options,
    );
    const median = medianRun(runs);
    const metric = (
      id: string,
      unit: Unit,
      direction: Metric["direction"],
      pick: (l: Lhr) => number | undefined,
    ): Metric[] => {
      const value = pick(median);
      const samples = runs.map(pick).filter((v): v is number => v !== undefined);
      return value === undefined ? [] : [{ id, unit, direction, value, samples }];
    };
    return {
      kind: "lighthouse",
      id: pageId(url, pages),
      tool: { name: "lighthouse", version: median.lighthouseVersion },
      status: "ok",
      metrics: [
        ...metric(
          "performance_score",
          "score",
          "higher",
          (l) => l.categories.performance.score ?? undefined,
        ),
        ...AUDITS.flatMap(([audit, id, unit]) =>
          metric(id, unit, "lower", (l) => l.audits[audit]?.numericValue ?? undefined),
        ),
        ...metric("requests", "count", "lower", requestCount),
      ],
      meta: { runs: runs.length, url: new URL(url).pathname },
      ...(calibration ? { calibration } : {}),
    };
  });
  const runsOf = new Map([...byUrl].map(([url, runs]) => [pageId(url, pages), runs]));
  const verdicts: Verdict[] = raw.assertions.flatMap((data) => {
    const parsed = Assertion.safeParse(data);
    if (!parsed.success || parsed.data.level === "off") return [];
    const a = parsed.data;
    const page = pageId(a.url, pages);
    const budget = a.auditProperty ? `${a.auditId}:${a.auditProperty}` : (a.auditId ?? a.name);
    if (options.noisy?.includes(budget))
      return [noisyVerdict(a, page, budget, budgetValues(budget, runsOf.get(page) ?? []))];
    return [
      {
        suite: page,
        metric: budget,
        source: "lhci" as const,
        level: a.level === "warn" ? ("warn" as const) : ("error" as const),
        status: a.passed ? ("pass" as const) : ("fail" as const),
        rule: `${a.name} ${a.operator} ${a.expected}`,
        actual: a.actual,
        message: `${new URL(a.url).pathname}: ${budget} ${a.passed ? "within budget" : a.operator === ">=" ? "below its minimum" : "over budget"} (${a.name} ${a.operator} ${a.expected}, actual ${Number(a.actual.toPrecision(4))})`,
      },
    ];
  });
  return { suites, verdicts };
}

/**
 * A noisy budget (config `noisy`): CPU load moves it even with calibrated throttling, so it is
 * reported with its spread over the runs and never fails the run.
 */
function noisyVerdict(
  a: z.infer<typeof Assertion>,
  page: string,
  budget: string,
  values: number[],
): Verdict {
  const over = values.length > 0 ? spread(values) : undefined;
  const fmt = (v: number) => Number(v.toPrecision(4));
  const range = over
    ? `; over ${values.length} run(s) ${fmt(over.min)}–${fmt(over.max)}, median ${fmt(over.median)}`
    : "";
  return {
    suite: page,
    metric: budget,
    source: "lhci",
    level: "warn",
    status: a.passed ? "pass" : "fail",
    rule: `${a.name} ${a.operator} ${a.expected}`,
    actual: a.actual,
    message: `${new URL(a.url).pathname}: ${budget} ${a.passed ? "within budget" : a.operator === ">=" ? "below its minimum" : "over budget"} (${a.name} ${a.operator} ${a.expected}, actual ${fmt(a.actual)}${range}); noisy under CPU load: reported, not gated`,
    evidence: {
      gated: false,
      runs: values.length,
      ...(over ? { min: over.min, median: over.median, max: over.max } : {}),
    },
  };
}
