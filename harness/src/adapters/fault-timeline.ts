/**
 * Per-request samples for the fault timeline, from k6's `--out json` NDJSON (the built-in engine
 * writes the same stream). Pure: one line in, one sample or nothing out.
 */

/** One finished HTTP request, as the load generator saw it. */
export interface RequestSample {
  /** When the request finished, epoch ms (k6 stamps a point when its sample is taken). */
  timeMs: number;
  durationMs: number;
  /** HTTP status; 0 when no response arrived (connection refused, reset, timeout). */
  status: number;
  /** k6's `expected_response`: false for 4xx/5xx (by default) and for every status 0. */
  ok: boolean;
  /** The request's `name` tag (URL group), when set. */
  name?: string;
  /** The request's `url` tag, when set. */
  url?: string;
}

/** What the harness did for one fault, with wall-clock times (epoch ms) of the same clock as the samples. */
export interface FaultEvent {
  /** Stable id, e.g. `redis-kill`. */
  id: string;
  /** Human description, e.g. `Redis killed (SIGKILL) and restarted`. */
  label: string;
  injectedAtMs: number;
  /** When the harness had undone the fault (Redis back, app ready, delay off). */
  clearedAtMs: number;
  /** `failed` when a step of the fault itself failed (e.g. redis-server did not restart). */
  step: "ok" | "failed";
  message?: string;
  /** Facts the step observed (e.g. `redisState: up`), kept with the record. */
  facts?: Record<string, string | number | boolean>;
}

interface PointLine {
  type?: string;
  metric?: string;
  data?: { time?: string; value?: number; tags?: Record<string, string> | null };
}

/**
 * The request sample in one NDJSON line, or undefined for anything but an `http_req_duration`
 * point (metric declarations, other metrics, a torn last line).
 */
export function requestSampleOf(line: string): RequestSample | undefined {
  if (!line.includes('"http_req_duration"')) return undefined;
  let parsed: PointLine;
  try {
    parsed = JSON.parse(line) as PointLine;
  } catch {
    return undefined;
  }
  if (parsed.type !== "Point" || parsed.metric !== "http_req_duration") return undefined;
  const timeMs = Date.parse(parsed.data?.time ?? "");
  const durationMs = parsed.data?.value;
  if (!Number.isFinite(timeMs) || typeof durationMs !== "number" || !Number.isFinite(durationMs))
    return undefined;
  const tags = parsed.data?.tags ?? {};
  const status = Number(tags.status ?? 0) || 0;
  const ok =
    tags.expected_response !== undefined
      ? tags.expected_response === "true"
      : status >= 200 && status < 400;
  return {
    timeMs,
    durationMs,
    status,
    ok,
    ...(tags.name ? { name: tags.name } : {}),
    ...(tags.url ? { url: tags.url } : {}),
  };
}
