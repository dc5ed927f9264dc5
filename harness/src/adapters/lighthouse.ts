import { z } from "zod";
import {
  EXIT,
  formatIssues,
  HarnessError,
  type Metric,
  type Suite,
  type Unit,
  type Verdict,
} from "../schema/index.ts";

/** The parts of a Lighthouse result (LHR) perfgate reads. */
const Lhr = z.object({
  requestedUrl: z.string(),
  lighthouseVersion: z.string(),
  categories: z.object({ performance: z.object({ score: z.number().nullable() }) }),
  audits: z.record(
    z.string(),
    z.object({ numericValue: z.number().nullable().optional(), details: z.unknown().optional() }),
  ),
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
  raw: { lhrs: unknown[]; assertions: unknown[] },
  pages: { id: string; path: string }[],
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
  for (const lhr of lhrs)
    byUrl.set(lhr.requestedUrl, [...(byUrl.get(lhr.requestedUrl) ?? []), lhr]);
  const suites: Suite[] = [...byUrl].map(([url, runs]) => {
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
    };
  });
  const verdicts: Verdict[] = raw.assertions.flatMap((data) => {
    const parsed = Assertion.safeParse(data);
    if (!parsed.success || parsed.data.level === "off") return [];
    const a = parsed.data;
    const page = pageId(a.url, pages);
    const budget = a.auditProperty ? `${a.auditId}:${a.auditProperty}` : (a.auditId ?? a.name);
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
