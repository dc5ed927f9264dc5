import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry, Sink } from "./metrics.ts";
import { aggregate } from "./thresholds.ts";

/** k6's execution status numbers (lib/execution.go), as `GET /v1/status` reports them. */
export const EXECUTION_STATUS = {
  created: 0,
  initVus: 1,
  initExecutors: 2,
  initDone: 3,
  pausedBeforeRun: 4,
  started: 5,
  setup: 6,
  running: 7,
  teardown: 8,
  ended: 9,
  interrupted: 10,
} as const;

/**
 * A run as the REST API sees and steers it: its status, `--paused` and the stop PATCH. The
 * engine moves the status along; the API reads it and resumes or stops the run.
 */
export class RunControl {
  status: number = EXECUTION_STATUS.created;
  paused: boolean;
  stopped = false;
  /** The VUs the run plans for (this execution segment's share), k6's `vus-max`. */
  vusMax = 0;
  /** Set once the run's metrics exist; `GET /v1/metrics` and the live VU count read it. */
  registry: Registry | undefined;
  trendStats: string[] = [];
  /** When the test clock started (ms, performance.now()), for counter rates. */
  startedAtMs: number | undefined;
  private resumeWaiters: (() => void)[] = [];
  private stopListeners: (() => void)[] = [];

  constructor(options: { paused: boolean }) {
    this.paused = options.paused;
  }

  /** Active VUs: the engine's `vus` gauge, sampled every second while the test runs. */
  get vus(): number {
    if (this.status !== EXECUTION_STATUS.running) return 0;
    const sink = this.registry?.metrics.get("vus")?.sink;
    return sink && sink.count > 0 ? sink.last : 0;
  }

  /** Waits while the run is paused before it starts (status 4); a stop also ends the wait. */
  async waitForStart(): Promise<void> {
    if (!this.paused || this.stopped) return;
    this.status = EXECUTION_STATUS.pausedBeforeRun;
    await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
  }

  resume(): void {
    this.paused = false;
    for (const resolve of this.resumeWaiters.splice(0)) resolve();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const listener of this.stopListeners.splice(0)) listener();
    for (const resolve of this.resumeWaiters.splice(0)) resolve();
  }

  onStop(listener: () => void): void {
    if (this.stopped) listener();
    else this.stopListeners.push(listener);
  }
}

/** k6's status resource, the body of `GET` and `PATCH /v1/status`. */
export function statusDocument(control: RunControl) {
  return {
    data: {
      type: "status",
      id: "default",
      attributes: {
        status: control.status,
        paused: control.paused,
        vus: control.vus,
        "vus-max": control.vusMax,
        stopped: control.stopped,
        running: control.status === EXECUTION_STATUS.running,
        tainted: false,
      },
    },
  };
}

function sampleOf(sink: Sink, type: string, trendStats: string[], seconds: number) {
  switch (type) {
    case "counter":
      return { count: sink.sum, rate: seconds > 0 ? sink.sum / seconds : 0 };
    case "gauge":
      return { value: sink.count > 0 ? sink.last : 0 };
    case "rate":
      return { rate: sink.count > 0 ? sink.nonZero / sink.count : 0 };
    default:
      return Object.fromEntries(
        trendStats.map((stat) => [stat, aggregate(sink, stat, seconds) ?? 0]),
      );
  }
}

/** k6's `GET /v1/metrics`: every metric that saw a sample, with its current aggregate. */
export function metricsDocument(control: RunControl, nowMs = performance.now()) {
  const registry = control.registry;
  if (!registry) return { data: [] };
  const seconds = control.startedAtMs === undefined ? 0 : (nowMs - control.startedAtMs) / 1000;
  const data = [...registry.metrics.values()]
    .filter((def) => def.touched)
    .map((def) => ({
      type: "metrics",
      id: def.name,
      attributes: {
        type: def.type,
        contains: def.isTime ? "time" : def.name.startsWith("data_") ? "data" : "default",
        tainted: null,
        sample: sampleOf(def.sink, def.type, control.trendStats, seconds),
      },
    }));
  return { data };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

function apiError(res: ServerResponse, code: number, title: string, detail: string): void {
  send(res, code, { errors: [{ status: String(code), title, detail }] });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // A status PATCH is ~100 bytes; refuse anything that is clearly not one.
    if (size > 64 * 1024) throw new Error("request body over 64 KiB");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Applies a status PATCH (`attributes.paused` / `attributes.stopped`), as k6's API does. */
export function applyStatusPatch(control: RunControl, body: string): string | undefined {
  let attributes: unknown;
  try {
    attributes = (JSON.parse(body) as { data?: { attributes?: unknown } })?.data?.attributes;
  } catch (cause) {
    return `the body is not JSON (${(cause as Error).message})`;
  }
  if (typeof attributes !== "object" || attributes === null)
    return 'expected {"data":{"type":"status","id":"default","attributes":{...}}}';
  const { paused, stopped } = attributes as { paused?: unknown; stopped?: unknown };
  if (stopped === true) {
    control.stop();
    return undefined;
  }
  if (paused === false) control.resume();
  // k6 cannot pause a running test with an arrival-rate executor; the engine cannot pause at all
  // once started, and says so instead of pretending.
  if (paused === true && control.status >= EXECUTION_STATUS.started)
    return "the built-in engine cannot pause a running test";
  return undefined;
}

async function handle(control: RunControl, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://runner");
  if (url.pathname === "/v1/status" && req.method === "GET")
    return send(res, 200, statusDocument(control));
  if (url.pathname === "/v1/status" && req.method === "PATCH") {
    const problem = applyStatusPatch(control, await readBody(req));
    if (problem) return apiError(res, 400, "bad status patch", problem);
    return send(res, 200, statusDocument(control));
  }
  if (url.pathname === "/v1/metrics" && req.method === "GET")
    return send(res, 200, metricsDocument(control));
  return apiError(res, 404, "not found", `${req.method} ${url.pathname} is not part of the API`);
}

/** Parses k6's `--address` (`host:port`, `[::1]:port`, `:port`). */
export function parseAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(":");
  const port = Number(address.slice(colon + 1));
  if (colon === -1 || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--address ${address}: expected host:port, e.g. 0.0.0.0:6565`);
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, "$1") || "0.0.0.0";
  return { host, port };
}

export interface RestApi {
  port: number;
  close(): Promise<void>;
}

/** Starts k6's REST API subset the k6-operator uses: `/v1/status` (GET, PATCH), `/v1/metrics`. */
export async function startRestApi(address: string, control: RunControl): Promise<RestApi> {
  const { host, port } = parseAddress(address);
  const server = createServer((req, res) => {
    handle(control, req, res).catch((error: Error) =>
      apiError(res, 400, "bad request", error.message),
    );
  });
  // Probes and the starter use short connections; do not let a kept-alive one hold the exit.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
