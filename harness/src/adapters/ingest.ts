import { z } from "zod";
import {
  EXIT,
  formatIssues,
  HarnessError,
  type Metric,
  type QualityWarning,
  type Suite,
  type Verdict,
} from "../schema/index.ts";
import { DEFAULT_MAX_ERROR_SHARE } from "./autocannon.ts";
import { type K6ThresholdResult, normalizeK6Summary } from "./k6.ts";
import { normalizeLighthouse } from "./lighthouse.ts";

/**
 * `perfgate ingest`: another tool's output -> suites of a run record, so a team's existing
 * numbers get the same history, statistics and PR comment. Pure: text in, suites out.
 */
export const INGEST_FORMATS = [
  "vitest-bench",
  "tinybench",
  "mitata",
  "benchmark.js",
  "k6-summary",
  "autocannon",
  "lhci",
] as const;
export type IngestFormat = (typeof INGEST_FORMATS)[number];

export interface IngestInput {
  format: IngestFormat;
  /** The file's text. */
  text: string;
  /** Suite id (history key): the file's base name unless given. */
  id: string;
  /** The file, for error messages. */
  source: string;
}

export interface Ingested {
  suites: Suite[];
  verdicts: Verdict[];
  warnings: QualityWarning[];
  /** k6's own threshold results (k6-summary only). */
  thresholds?: K6ThresholdResult[];
}

function parse<T>(schema: z.ZodType<T>, data: unknown, input: IngestInput): T {
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new HarnessError(
      "E_INGEST",
      `${input.source}: not ${input.format} output\n  ${formatIssues(result.error.issues).join("\n  ")}`,
      { hint: `see \`perfgate ingest --help\` for what each format reads`, exitCode: EXIT.usage },
    );
  }
  return result.data;
}

function json(input: IngestInput): unknown {
  try {
    return JSON.parse(input.text);
  } catch (cause) {
    throw new HarnessError("E_INGEST", `${input.source}: not JSON (${(cause as Error).message})`, {
      hint: `${input.format} is read from its JSON output`,
      exitCode: EXIT.usage,
      cause,
    });
  }
}

/** A time-per-operation metric of one benchmark (lower is better). */
function perOp(id: string, unit: Metric["unit"], value: number, rme?: number): Metric {
  return {
    id,
    unit,
    direction: "lower",
    value,
    ...(rme !== undefined ? { tags: { rme: `${rme.toFixed(2)}%` } } : {}),
  };
}

function microbench(input: IngestInput, metrics: Metric[], version = ""): Ingested {
  if (metrics.length === 0) {
    throw new HarnessError("E_INGEST", `${input.source}: no benchmark results in it`, {
      exitCode: EXIT.usage,
    });
  }
  const suite: Suite = {
    kind: "microbench",
    id: input.id,
    tool: { name: input.format, version },
    status: "ok",
    metrics,
    meta: { ingested: input.source },
  };
  return { suites: [suite], verdicts: [], warnings: [] };
}

const VitestBench = z.object({
  files: z.array(
    z.object({
      groups: z.array(
        z.object({
          fullName: z.string(),
          benchmarks: z.array(z.object({ name: z.string(), mean: z.number(), rme: z.number() })),
        }),
      ),
    }),
  ),
});

/** `vitest bench --outputJson`: mean ms per call; the group's name without its file. */
function vitestBench(input: IngestInput): Ingested {
  const data = parse(VitestBench, json(input), input);
  const metrics = data.files.flatMap((file) =>
    file.groups.flatMap((group) => {
      const name = group.fullName.split(" > ").slice(1).join("/");
      return group.benchmarks.map((b) =>
        perOp(name ? `${name}/${b.name}` : b.name, "ms", b.mean, b.rme),
      );
    }),
  );
  return microbench(input, metrics);
}

const Tinybench = z.array(
  z.object({
    name: z.string(),
    result: z.object({ latency: z.object({ mean: z.number(), rme: z.number() }) }).optional(),
  }),
);

/** `bench.tasks.map(({ name, result }) => ({ name, result }))` as JSON: mean latency in ms. */
function tinybench(input: IngestInput): Ingested {
  const tasks = parse(Tinybench, json(input), input);
  const metrics = tasks.flatMap((t) =>
    t.result ? [perOp(t.name, "ms", t.result.latency.mean, t.result.latency.rme)] : [],
  );
  return microbench(input, metrics);
}

const Mitata = z.object({
  layout: z.array(z.object({ name: z.string().nullable() })),
  benchmarks: z.array(
    z.object({
      alias: z.string(),
      group: z.number(),
      runs: z.array(z.object({ name: z.string(), stats: z.object({ avg: z.number() }).nullish() })),
    }),
  ),
  context: z.object({ runtime: z.string().optional(), version: z.string().optional() }).optional(),
});

/** mitata's `run({ format: "json" })`: average ns per call, by group and name. */
function mitata(input: IngestInput): Ingested {
  const data = parse(Mitata, json(input), input);
  const metrics = data.benchmarks.flatMap((b) => {
    const group = data.layout[b.group]?.name;
    return b.runs.flatMap((run) =>
      run.stats ? [perOp(group ? `${group}/${run.name}` : run.name, "ns", run.stats.avg)] : [],
    );
  });
  return microbench(input, metrics);
}

const BENCHMARK_LINE = /^(.+?) x ([\d,.]+) ops\/sec ±([\d.]+)% \((\d+) runs? sampled\)\s*$/;

/** benchmark.js's cycle lines (`name x 17,447 ops/sec ±9.45% (43 runs sampled)`), as github-action-benchmark reads them. */
function benchmarkJs(input: IngestInput): Ingested {
  const metrics: Metric[] = [];
  for (const line of input.text.split("\n")) {
    const match = BENCHMARK_LINE.exec(line.trim());
    if (!match) continue;
    const [, name = "", ops = "0", rme = "0", runs = "0"] = match;
    metrics.push({
      id: name,
      unit: "ops/s",
      direction: "higher",
      value: Number(ops.replaceAll(",", "")),
      tags: { rme: `${rme}%`, runs },
    });
  }
  return microbench(input, metrics);
}

const AutocannonCli = z.object({
  url: z.string(),
  connections: z.number(),
  duration: z.number(),
  errors: z.number(),
  timeouts: z.number(),
  non2xx: z.number(),
  latency: z.object({ mean: z.number(), p50: z.number(), p99: z.number(), max: z.number() }),
  requests: z.object({ total: z.number() }),
});

/** `autocannon --json`: throughput, latency quantiles (its 1 ms resolution), and the error rule of endpoint passes. */
function autocannonCli(input: IngestInput): Ingested {
  const data = parse(AutocannonCli, json(input), input);
  const failures = data.errors + data.timeouts + data.non2xx;
  const attempts = data.requests.total + data.errors;
  const share = attempts > 0 ? failures / attempts : 1;
  const ms = (id: string, value: number): Metric => ({ id, unit: "ms", direction: "lower", value });
  const suite: Suite = {
    kind: "endpoint",
    id: input.id,
    tool: { name: "autocannon", version: "" },
    status: share > DEFAULT_MAX_ERROR_SHARE ? "errored" : "ok",
    ...(share > DEFAULT_MAX_ERROR_SHARE
      ? {
          error: `endpoint ${input.id} (${data.url}): ${failures} of ${attempts} requests failed or answered non-2xx, above the 1 % limit`,
        }
      : {}),
    metrics: [
      {
        id: "requests_rate",
        unit: "req/s",
        direction: "higher",
        value: data.duration > 0 ? data.requests.total / data.duration : 0,
      },
      ms("latency_mean", data.latency.mean),
      ms("latency_p50", data.latency.p50),
      ms("latency_p99", data.latency.p99),
      { id: "errors", unit: "count", direction: "lower", value: data.errors + data.timeouts },
      { id: "non_2xx", unit: "count", direction: "lower", value: data.non2xx },
    ],
    meta: { connections: data.connections, ingested: input.source },
  };
  return { suites: [suite], verdicts: [], warnings: [] };
}

/** One output file of `format` -> suites. */
export function ingest(input: IngestInput): Ingested {
  switch (input.format) {
    case "vitest-bench":
      return vitestBench(input);
    case "tinybench":
      return tinybench(input);
    case "mitata":
      return mitata(input);
    case "benchmark.js":
      return benchmarkJs(input);
    case "autocannon":
      return autocannonCli(input);
    case "k6-summary": {
      const k6 = normalizeK6Summary({
        scenario: input.id,
        summaryExport: json(input),
        tool: { name: "k6", version: "" },
        source: input.source,
      });
      // k6 judged its thresholds already; the command turns them into verdicts, as for a
      // `perfgate load` scenario.
      return { suites: [k6.suite], verdicts: [], warnings: k6.warnings, thresholds: k6.thresholds };
    }
    case "lhci": {
      const data = json(input);
      const { suites, verdicts } = normalizeLighthouse(
        { lhrs: Array.isArray(data) ? data : [data], assertions: [] },
        [],
      );
      return { suites, verdicts, warnings: [] };
    }
  }
}
