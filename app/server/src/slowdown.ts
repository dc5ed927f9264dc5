import type { ServerResponse } from "node:http";

/** Requests in the first window (a quick first estimate), then in every later one. */
const FIRST_WINDOW = 50;
const WINDOW = 500;
/** Weight of the newest window in the running estimate. */
const ALPHA = 0.3;

/** One window of the app's own cost, as `process.cpuUsage()` and the burn loop saw it. */
export interface CostWindow {
  cpuMicros: number;
  burnedMicros: number;
  requests: number;
}

/**
 * Fold one window into the running estimate of the app's CPU time per request, leaving out what
 * the slowdown itself burned (otherwise each window would slow the next one down further).
 */
export function nextCostEstimate(previous: number | undefined, window: CostWindow): number {
  const sample = Math.max(0, window.cpuMicros - window.burnedMicros) / Math.max(1, window.requests);
  return previous === undefined ? sample : previous * (1 - ALPHA) + sample * ALPHA;
}

export interface Slowdown {
  /** Make this response's `end` burn the injected share first. */
  apply(res: ServerResponse): void;
  /** The app's CPU time per request without the burn (µs), once the first window is in. */
  readonly microsPerRequest: number | undefined;
  readonly burnedMicros: number;
}

/**
 * The injected regression for the detector's self-test (PERFGATE_APP_SLOWDOWN_PCT): before each
 * API response goes out, burn CPU for `pct`% of the app's measured CPU time per request. The whole
 * request's cost is the base (HTTP parsing, compression, socket writes, GC), not only the
 * handler's, so "+10%" makes the server 10% more expensive per request, which is what the
 * evaluation claims to inject. The estimate is the process-wide average over recent requests:
 * the evaluation drives one route at a time.
 */
export function createSlowdown(pct: number): Slowdown {
  let estimate: number | undefined;
  // Starts at the first request: the app's start-up (seeding, opening the database) is not a
  // request's cost, and counting it made the first estimate tens of times too high.
  let windowStart: NodeJS.CpuUsage | undefined;
  let burned = 0;
  let burnedTotal = 0;
  let requests = 0;
  const apply = (res: ServerResponse): void => {
    windowStart ??= process.cpuUsage();
    requests++;
    if (requests >= (estimate === undefined ? FIRST_WINDOW : WINDOW)) {
      const cpu = process.cpuUsage(windowStart);
      estimate = nextCostEstimate(estimate, {
        cpuMicros: cpu.user + cpu.system,
        burnedMicros: burned,
        requests,
      });
      windowStart = process.cpuUsage();
      burned = 0;
      requests = 0;
    }
    if (estimate === undefined) return;
    const burnMs = (estimate * pct) / 100 / 1000;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      const started = performance.now();
      while (performance.now() - started < burnMs) {
        // Busy on purpose: a slower code path, not a sleep.
      }
      const micros = (performance.now() - started) * 1000;
      burned += micros;
      burnedTotal += micros;
      return end(...args);
    }) as ServerResponse["end"];
  };
  return {
    apply,
    get microsPerRequest() {
      return estimate;
    },
    get burnedMicros() {
      return burnedTotal;
    },
  };
}
