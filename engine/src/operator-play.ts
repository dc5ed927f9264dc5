import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { parseSummaryLine, type RunnerSummary } from "./summary-line.ts";

/**
 * The k6-operator's pods, played on this machine: the same commands and HTTP calls its
 * initializer, runner and starter jobs make (grafana/k6-operator pkg/resources/jobs), with the
 * runners on loopback ports instead of pods. For tests and benchmarks; no cluster involved.
 */

const BIN = path.join(import.meta.dirname, "..", "bin", "perfgate-k6.mjs");

/** The operator's `--execution-segment*` arguments for runner `index` (1-based) of `total`. */
export function segmentArgs(index: number, total: number): string[] {
  if (total <= 1) return [];
  const part = (i: number) => (i === 0 ? "0" : i === total ? "1" : `${i}/${total}`);
  const sequence = ["0", ...Array.from({ length: total - 1 }, (_, i) => `${i + 1}/${total}`), "1"];
  return [
    `--execution-segment=${part(index - 1)}:${part(index)}`,
    `--execution-segment-sequence=${sequence.join(",")}`,
  ];
}

/**
 * A runner's command after `k6`, as runner.go builds it: `run --quiet`, its segment, the
 * TestRun's arguments, the script, the API address, `--paused` and the two tags.
 */
export function runnerArgs(input: {
  index: number;
  total: number;
  script: string;
  testrunName: string;
  address: string;
  args?: readonly string[];
}): string[] {
  return [
    "run",
    "--quiet",
    ...segmentArgs(input.index, input.total),
    ...(input.args ?? []),
    input.script,
    `--address=${input.address}`,
    "--paused",
    "--tag",
    `instance_id=${input.index}`,
    "--tag",
    `testrun_name=${input.testrunName}`,
  ];
}

/** The starter's resume PATCH body and a stop's. */
export const RESUME_BODY = {
  data: { type: "status", id: "default", attributes: { paused: false } },
};
export const STOP_BODY = { data: { type: "status", id: "default", attributes: { stopped: true } } };

export interface EngineProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number>;
}

/** Starts the engine's bin (`k6 <argv>` in a runner image) with captured output. */
export function startEngine(
  argv: string[],
  env: Record<string, string | undefined>,
): EngineProcess {
  const child = spawn(process.execPath, [BIN, ...argv], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk) => {
    out += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    err += chunk;
  });
  const exit = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? 1)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Runs the engine to its end: `{ code, stdout, stderr }`. */
export async function runEngineBin(argv: string[], env: Record<string, string | undefined>) {
  const engine = startEngine(argv, env);
  const code = await engine.exit;
  return { code, stdout: engine.stdout(), stderr: engine.stderr() };
}

/** A free loopback port (bound and released; the runner binds it right after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface StatusAttributes {
  status: number;
  paused: boolean;
  vus: number;
  "vus-max": number;
  stopped: boolean;
  running: boolean;
  tainted: boolean;
}

/** `GET /v1/status` as the operator's probes send it; undefined while nothing listens. */
export async function getStatus(port: number): Promise<StatusAttributes | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v1/status`);
    if (!res.ok) return undefined;
    return ((await res.json()) as { data: { attributes: StatusAttributes } }).data.attributes;
  } catch {
    return undefined;
  }
}

/** Polls `GET /v1/status` until `ready` holds (bounded by `timeoutMs`). */
export async function pollStatus(
  port: number,
  ready: (status: StatusAttributes) => boolean,
  timeoutMs: number,
): Promise<StatusAttributes> {
  const deadline = Date.now() + timeoutMs;
  let last: StatusAttributes | undefined;
  while (Date.now() < deadline) {
    last = await getStatus(port);
    if (last && ready(last)) return last;
    await delay(100);
  }
  throw new Error(
    `runner on port ${port}: status not ready in ${timeoutMs} ms (last: ${JSON.stringify(last)})`,
  );
}

/** The starter's (or a stop's) `PATCH /v1/status`; returns the API's answer. */
export async function patchStatus(port: number, body: unknown): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/status`, {
    method: "PATCH",
    body: JSON.stringify(body),
  });
  return res.json();
}

/** The initializer: `archive` then `inspect --execution-requirements` on the archive. */
export async function playInitializer(input: {
  script: string;
  archive: string;
  env: Record<string, string | undefined>;
  archiveEnv?: Record<string, string>;
}): Promise<{ totalDuration: string; maxVUs: number } & Record<string, unknown>> {
  const envArgs = Object.entries(input.archiveEnv ?? {}).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  const archived = await runEngineBin(
    ["archive", input.script, ...envArgs, "-O", input.archive],
    input.env,
  );
  if (archived.code !== 0) throw new Error(`archive failed (${archived.code}): ${archived.stderr}`);
  const inspected = await runEngineBin(
    ["inspect", "--execution-requirements", input.archive],
    input.env,
  );
  if (inspected.code !== 0)
    throw new Error(`inspect failed (${inspected.code}): ${inspected.stderr}`);
  return JSON.parse(inspected.stdout);
}

export interface PlayedRunner {
  index: number;
  port: number;
  engine: EngineProcess;
}

/** Starts runners 1..n on free loopback ports with the operator's exact runner arguments. */
export async function startRunners(input: {
  parallelism: number;
  script: string;
  testrunName: string;
  env: Record<string, string | undefined>;
  /** The TestRun's arguments; per runner when a function (e.g. each its own `--out`). */
  args?: readonly string[] | ((index: number) => readonly string[]);
}): Promise<PlayedRunner[]> {
  const runners: PlayedRunner[] = [];
  for (let index = 1; index <= input.parallelism; index += 1) {
    const port = await freePort();
    const args = typeof input.args === "function" ? input.args(index) : input.args;
    const argv = runnerArgs({
      ...input,
      args,
      index,
      total: input.parallelism,
      address: `127.0.0.1:${port}`,
    });
    runners.push({ index, port, engine: startEngine(argv, input.env) });
  }
  return runners;
}

/** Each runner's mergeable summary from its log's last line (the collector's path). */
export function collectFromLogs(runners: readonly PlayedRunner[]): RunnerSummary[] {
  return runners.map((runner) => {
    const found = parseSummaryLine(runner.engine.stdout());
    if (!found)
      throw new Error(
        `runner ${runner.index} left no summary line; stderr: ${runner.engine.stderr()}`,
      );
    return found;
  });
}
