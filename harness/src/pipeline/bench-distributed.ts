import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import {
  collectFromLogs,
  patchStatus,
  pollStatus,
  RESUME_BODY,
  type RunnerSummary,
  startRunners,
} from "@perfgate/engine";
import hdr from "hdr-histogram-js";
import { collectRunnerSummaries } from "../runners/distributed-collect.ts";

/**
 * `perfgate bench-distributed`: the k6-operator played locally with n = 1, 2, 4 engine runners
 * on a loopback server — does the merge stay exact, and what does the collector cost per
 * runner, against one histogram of every raw sample?
 */
/** One histogram of every raw sample (`--out json` of every runner): the naive collector. */
async function rawHistogram(files: string[]) {
  const started = performance.now();
  const one = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    autoResize: true,
    numberOfSignificantValueDigits: 3,
  });
  let bytes = 0;
  for (const file of files) {
    const text = await readFile(file, "utf8");
    bytes += text.length;
    for (const line of text.split("\n")) {
      if (!line.includes('"http_req_duration"') || !line.includes('"Point"')) continue;
      const value = (JSON.parse(line) as { data: { value: number } }).data.value;
      one.recordValue(Math.max(0, Math.round(value * 1000)));
    }
  }
  return { one, ms: performance.now() - started, bytes };
}

function collectorMs(logs: { source: string; text: string }[], n: number, rounds: number): number {
  const started = performance.now();
  for (let i = 0; i < rounds; i += 1) collectRunnerSummaries(logs, n);
  return (performance.now() - started) / rounds;
}

export interface DistributedBenchRow {
  n: number;
  wallS: number;
  iterations: number;
  exact: boolean;
  lineBytes: number;
  collectMs: number;
  rawMs: number;
  rawBytes: number;
}

async function play(
  n: number,
  setup: { dir: string; script: string; base: string; iterations: number },
): Promise<DistributedBenchRow> {
  const outs = Array.from({ length: n }, (_, i) => path.join(setup.dir, `n${n}-${i + 1}.ndjson`));
  const runners = await startRunners({
    parallelism: n,
    script: setup.script,
    testrunName: `bench-${n}`,
    env: { ...process.env, BASE: setup.base, PERFGATE_SUMMARY_OUT: "stdout" },
    args: (i) => ["--out", `json=${outs[i - 1]}`],
  });
  for (const r of runners) await pollStatus(r.port, (s) => s.status === 4, 120_000);
  const started = performance.now();
  await Promise.all(runners.map((r) => patchStatus(r.port, RESUME_BODY)));
  const codes = await Promise.all(runners.map((r) => r.engine.exit));
  const wallS = (performance.now() - started) / 1000;
  if (codes.some((c) => c !== 0)) throw new Error(`runner exit codes ${codes.join(", ")}`);
  const summaries: RunnerSummary[] = collectFromLogs(runners);
  const logs = runners.map((r) => ({ source: `runner-${r.index}`, text: r.engine.stdout() }));
  const merged = collectRunnerSummaries(logs, n).merged.summary.metrics;
  const raw = await rawHistogram(outs);
  const trend = merged.http_req_duration as Record<string, number>;
  const exact =
    merged.iterations?.count === setup.iterations &&
    (
      [
        ["med", 50],
        ["p(90)", 90],
        ["p(95)", 95],
        ["p(99)", 99],
      ] as const
    ).every(([stat, q]) => trend[stat] === raw.one.getValueAtPercentile(q) / 1000);
  raw.one.destroy();
  const lineBytes =
    summaries.reduce((sum, s) => sum + JSON.stringify(s).length, 0) / summaries.length;
  return {
    n,
    wallS,
    iterations: merged.iterations?.count as number,
    exact,
    lineBytes,
    collectMs: collectorMs(logs, n, 20),
    rawMs: raw.ms,
    rawBytes: raw.bytes,
  };
}

export async function benchDistributed(iterations: number): Promise<DistributedBenchRow[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-bench-distributed-"));
  const server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const script = path.join(dir, "shared.js");
  await writeFile(
    script,
    `import http from "k6/http";
export const options = { scenarios: { s: { executor: "shared-iterations", vus: 4, iterations: ${iterations} } } };
export default function () { http.get(\`\${__ENV.BASE}/x\`); }
`,
  );
  const rows: DistributedBenchRow[] = [];
  try {
    for (const n of [1, 2, 4]) rows.push(await play(n, { dir, script, base, iterations }));
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
