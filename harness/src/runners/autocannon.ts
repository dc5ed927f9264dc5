import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import autocannon from "autocannon";
import hdr from "hdr-histogram-js";
import { EXIT, HarnessError, redactorFor } from "../schema/index.ts";

export interface AutocannonRunOptions {
  /** Endpoint id (history key), e.g. `products-list`. */
  id: string;
  url: string;
  connections: number;
  durationSeconds: number;
  /** HTTP method, headers and body of every request (GET with none by default). */
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Largest failed or non-2xx share before the pass is errored (the adapter's default: 1 %). */
  maxErrorShare?: number;
  /** Request paths replayed in order (cycling), each connection taking the next one; else `url` only. */
  paths?: readonly string[];
  outFile: string;
  /** The config's extra sensitive names: the saved options and result are redacted. */
  redact?: readonly string[] | undefined;
  signal?: AbortSignal;
}

/** What the runner saves: autocannon's own result, plus a microsecond latency histogram. */
export interface AutocannonRaw {
  id: string;
  autocannonVersion: string;
  options: {
    url: string;
    connections: number;
    durationSeconds: number;
    method?: string;
    maxErrorShare?: number;
  };
  result: autocannon.Result;
  /** Base64 HDR of per-response latency in microseconds; autocannon's own histogram is 1 ms resolution. */
  latencyUsHdr: string;
}

/**
 * Closed-loop throughput of one endpoint with autocannon. Latencies are also recorded from the
 * `response` events into a microsecond histogram, because autocannon's own histogram cannot
 * resolve sub-millisecond loopback latencies.
 */
export async function runAutocannon(
  options: AutocannonRunOptions,
  version: string,
): Promise<AutocannonRaw> {
  const { id, url, connections, durationSeconds, outFile, signal, paths } = options;
  let next = 0;
  // One shared cursor over the sequence: together the connections replay it in order.
  const requests = paths?.length
    ? [{ setupRequest: (request: object) => ({ ...request, path: paths[next++ % paths.length] }) }]
    : undefined;
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  let result: autocannon.Result;
  try {
    result = await new Promise<autocannon.Result>((resolve, reject) => {
      // The callback form returns the instance, which carries the `response` events and stop().
      const instance = autocannon(
        {
          url,
          connections,
          duration: durationSeconds,
          pipelining: 1,
          ...(options.method ? { method: options.method as autocannon.Request["method"] } : {}),
          ...(options.headers ? { headers: options.headers } : {}),
          ...(options.body !== undefined ? { body: options.body } : {}),
          ...(requests ? { requests } : {}),
        },
        (error, done) => (error ? reject(error) : resolve(done)),
      );
      instance.on("response", (_client, _status, _bytes, responseTimeMs) => {
        histogram.recordValue(Math.max(1, Math.round(responseTimeMs * 1000)));
      });
      const stop = () => instance.stop();
      signal?.addEventListener("abort", stop, { once: true });
      // Many passes share one run's signal: each removes its listener when it is done.
      instance.on("done", () => signal?.removeEventListener("abort", stop));
    });
  } catch (cause) {
    throw new HarnessError(
      "E_AUTOCANNON",
      `autocannon against ${url} failed: ${(cause as Error).message}`,
      {
        hint: "is the app still running? see the app's stderr above",
        exitCode: EXIT.toolFailed,
        cause,
      },
    );
  }
  const raw: AutocannonRaw = {
    id,
    autocannonVersion: version,
    options: {
      url,
      connections,
      durationSeconds,
      ...(options.method ? { method: options.method } : {}),
      ...(options.maxErrorShare !== undefined ? { maxErrorShare: options.maxErrorShare } : {}),
    },
    result,
    latencyUsHdr: hdr.encodeIntoCompressedBase64(histogram),
  };
  histogram.destroy();
  await mkdir(path.dirname(outFile), { recursive: true });
  // The URL may hold a token; the histogram's base64 is data, left whole.
  const { latencyUsHdr, ...rest } = raw;
  const saved = { ...redactorFor(options.redact).deep(rest), latencyUsHdr };
  await writeFile(outFile, `${JSON.stringify(saved, null, 2)}\n`);
  return raw;
}
