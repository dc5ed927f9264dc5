import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream } from "node:stream/web";
import type { MemorySample } from "../adapters/memory.ts";
import { EXIT, HarnessError } from "../schema/index.ts";
import { assertLoadTarget } from "./target.ts";

export interface MemorySamplerOptions {
  /** The app's base URL; `/debug/memory` is polled there (PERFGATE_APP_DEBUG=on). */
  baseUrl: string;
  /** Poll period, default 2000 ms. Each poll runs a full GC in the app, so keep it ≥ 250 ms. */
  intervalMs?: number;
  /** Stop recording after this many samples (bounds memory on a forgotten run), default 10,000. */
  maxSamples?: number;
  /** Per-request timeout, default 10 s (a GC on a large heap is slow, but not that slow). */
  timeoutMs?: number;
  allowHosts?: readonly string[];
  /** Stops the sampler, like `stop()`. */
  signal?: AbortSignal;
}

/** What a sampling session recorded. */
export interface MemorySampling {
  samples: MemorySample[];
  /** Polls that failed (app busy or restarting); the sampler keeps going. */
  failedPolls: number;
  lastError: string | undefined;
  /** True when `maxSamples` was reached and later polls were dropped. */
  truncated: boolean;
}

export interface MemorySampler {
  /** Samples so far (live view). */
  readonly samples: readonly MemorySample[];
  /** True once `maxSamples` was reached (live view; the sampler has stopped polling). */
  readonly truncated: boolean;
  /** Stop polling and resolve once the poll in flight (if any) has settled. Safe to call twice. */
  stop(): Promise<MemorySampling>;
}

interface DebugMemory {
  heapUsedAfterGc: number;
  rss: number;
  arrayBuffers?: number;
  external?: number;
  cache?: { bytes?: number };
}

function isDebugMemory(value: unknown): value is DebugMemory {
  const body = value as Partial<DebugMemory> | null;
  return typeof body?.heapUsedAfterGc === "number" && typeof body.rss === "number";
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Poll the app's heap-after-GC and RSS on a fixed schedule while a load phase runs. Ticks are
 * anchored to the start (t = k·interval), so a slow poll skips ticks instead of drifting; `tMs`
 * is when the answer arrived, relative to the start.
 *
 * @throws HarnessError E_TARGET_NOT_ALLOWED when the URL is not loopback (nor allowed).
 */
export function startMemorySampler(options: MemorySamplerOptions): MemorySampler {
  const endpoint = new URL("/debug/memory", assertLoadTarget(options.baseUrl, options.allowHosts));
  const intervalMs = options.intervalMs ?? 2000;
  const maxSamples = options.maxSamples ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!(intervalMs >= 50)) throw new RangeError(`memory sampler: intervalMs ${intervalMs} < 50`);
  const stopper = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([options.signal, stopper.signal])
    : stopper.signal;
  const result: MemorySampling = {
    samples: [],
    failedPolls: 0,
    lastError: undefined,
    truncated: false,
  };
  const started = performance.now();

  const poll = async () => {
    try {
      const response = await fetch(endpoint, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      const body: unknown = await response.json();
      if (!response.ok || !isDebugMemory(body)) {
        throw new Error(`GET ${endpoint.pathname}: HTTP ${response.status}, no memory reading`);
      }
      if (result.samples.length >= maxSamples) {
        result.truncated = true;
        return;
      }
      result.samples.push({
        tMs: Math.round(performance.now() - started),
        heapUsedAfterGc: body.heapUsedAfterGc,
        rss: body.rss,
        arrayBuffers: body.arrayBuffers ?? 0,
        external: body.external ?? 0,
        cacheBytes: body.cache?.bytes ?? 0,
      });
    } catch (error) {
      if (signal.aborted) return;
      result.failedPolls += 1;
      result.lastError = error instanceof Error ? error.message : String(error);
    }
  };

  const loop = (async () => {
    for (let tick = 0; !signal.aborted && !result.truncated; ) {
      await poll();
      const elapsed = performance.now() - started;
      tick = Math.max(tick + 1, Math.ceil(elapsed / intervalMs));
      await sleep(tick * intervalMs - elapsed, signal);
    }
  })();

  return {
    samples: result.samples,
    get truncated() {
      return result.truncated;
    },
    async stop() {
      stopper.abort();
      await loop;
      return result;
    },
  };
}

/**
 * Save the app's V8 heap snapshot (`GET /debug/heap-snapshot`) to `file`, written to a temporary
 * name and renamed, so a cut-off download never looks like a snapshot. Returns its size.
 *
 * @throws HarnessError E_HEAP_SNAPSHOT when the app does not answer with a snapshot.
 */
export async function captureHeapSnapshot(
  baseUrl: string,
  file: string,
  options: { allowHosts?: readonly string[]; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<{ file: string; bytes: number }> {
  const url = new URL("/debug/heap-snapshot", assertLoadTarget(baseUrl, options.allowHosts));
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 120_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const partial = `${file}.partial`;
  try {
    const response = await fetch(url, { signal });
    if (!response.ok || !response.body) {
      throw new Error(`HTTP ${response.status}`);
    }
    await mkdir(path.dirname(file), { recursive: true });
    await pipeline(
      Readable.fromWeb(response.body as ReadableStream<Uint8Array>),
      createWriteStream(partial),
    );
    await rename(partial, file);
    return { file, bytes: (await stat(file)).size };
  } catch (cause) {
    await rm(partial, { force: true });
    throw new HarnessError(
      "E_HEAP_SNAPSHOT",
      `heap snapshot from ${url.origin}${url.pathname} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        hint: "the app must run with PERFGATE_APP_DEBUG=on",
        exitCode: EXIT.toolFailed,
        cause,
      },
    );
  }
}
