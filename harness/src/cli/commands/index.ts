import type { Command } from "../command.ts";

/** A command's one-line summary and its module, loaded only when the command runs. */
export interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
}

/**
 * Every CLI command, by name. Modules load lazily: `perfgate --help` (and every command) pays
 * only for the code it runs, not for zod schemas, esbuild or autocannon of the others.
 */
export const commands = {
  bench: {
    summary: "microbenchmarks: one case per fresh process, table and run record",
    load: async () => (await import("./bench.ts")).benchCommand,
  },
  "bench-engine": {
    summary: "built-in engine vs autocannon, arrival-rate accuracy, soak memory",
    load: async () => (await import("./bench-engine.ts")).benchEngineCommand,
  },
  "bench-distributed": {
    summary:
      "k6-operator runners played locally (n = 1, 2, 4): exact merges and the collector's cost",
    load: async () => (await import("./bench-distributed.ts")).benchDistributedCommand,
  },
  compact: {
    summary: "roll old runs into reports/archive/<month>.json",
    load: async () => (await import("./compact.ts")).compactCommand,
  },
  compare: {
    summary: "base vs working tree, interleaved; confirmed regressions fail",
    load: async () => (await import("./compare.ts")).compareCommand,
  },
  diff: {
    summary: "markdown diff of two committed runs (runId or run.json path)",
    load: async () => (await import("./diff.ts")).diffCommand,
  },
  distributed: {
    summary:
      "run a scenario on the k6-operator: TestRun manifests, kubectl, exactly merged results",
    load: async () => (await import("./distributed.ts")).distributedCommand,
  },
  doctor: {
    summary: "list k6, Chromium, redis-server, Postgres and what each missing piece disables",
    load: async () => (await import("./doctor.ts")).doctorCommand,
  },
  evaluate: {
    summary: "A/A false alarms and power of the regression detector against injected slowdowns",
    load: async () => (await import("./evaluate.ts")).evaluateCommand,
  },
  github: {
    summary: "job summary, sticky PR comment, annotations, change-point issue, report commits",
    load: async () => (await import("./github.ts")).githubCommand,
  },
  ingest: {
    summary:
      "turn another tool's output (vitest bench, tinybench, mitata, benchmark.js, k6, autocannon, lhci) into a run",
    load: async () => (await import("./ingest.ts")).ingestCommand,
  },
  init: {
    summary:
      "write perfgate.config.ts, a k6 scenario, a microbench, lighthouserc.json, the workflow",
    load: async () => (await import("./init.ts")).initCommand,
  },
  k6: {
    summary: "the built-in k6 engine: k6 run <script> | k6 merge <dir>... --out <dir>",
    load: async () => (await import("./k6.ts")).k6Command,
  },
  lhci: {
    summary: "Lighthouse CI budgets with the system Chromium",
    load: async () => (await import("./lhci.ts")).lhciCommand,
  },
  load: {
    summary: "target up, k6 scenarios, endpoint passes, Lighthouse, run record, report",
    load: async () => (await import("./load.ts")).loadCommand,
  },
  report: {
    summary: "regenerate TRENDS.md, charts/ and index.html from reports/runs/",
    load: async () => (await import("./report.ts")).reportCommand,
  },
  schema: {
    summary: "the run-record JSON Schema: export it, validate a record",
    load: async () => (await import("./schema.ts")).schemaCommand,
  },
} satisfies Record<string, CommandEntry>;
