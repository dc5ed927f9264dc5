import type { FaultEvent } from "../adapters/fault-timeline.ts";
import type { AppProcess } from "./app.ts";
import type { RedisProcess } from "./redis.ts";

/** One fault of a faults profile; `atSeconds` is its earliest start, from the start of the load. */
export type FaultPlan =
  | { kind: "redis-kill"; atSeconds: number; downSeconds: number }
  | { kind: "worker-crash"; atSeconds: number }
  | { kind: "app-restart"; atSeconds: number }
  | { kind: "slow-db"; atSeconds: number; delayMs: number; forSeconds: number };

/** What a fault step acts on. The app may be replaced by `restartApp`; `app()` is the current one. */
export interface FaultTarget {
  app(): AppProcess;
  /** Stop the app and start it again on the same loopback port; how long each half took. */
  restartApp(): Promise<{ stopMs: number; startMs: number }>;
  /** The harness's own redis-server, undefined when none is installed. */
  redis: RedisProcess | undefined;
  /** The app's stderr tail is included in failure messages. */
  signal: AbortSignal;
}

export const FAULT_LABELS: Record<FaultPlan["kind"], string> = {
  "redis-kill": "Redis killed (SIGKILL), restarted empty on its port",
  "worker-crash": "a worker thread crashed (POST /debug/crash-worker)",
  "app-restart": "app stopped and started again on the same port",
  "slow-db": "slow database (POST /debug/faults dbDelayMs) for a window",
};

/** Wait `ms`, or less when aborted: a fault's undo step must still run after Ctrl+C. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

async function call(
  app: AppProcess,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${app.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  }).catch((error: Error) => {
    const why =
      error.name === "TimeoutError" ? "no answer within 10 s" : reason(error.cause ?? error);
    throw new Error(`${method} ${path}: ${why}`);
  });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: response.status, json };
}

async function debugMemory(app: AppProcess): Promise<Record<string, unknown>> {
  const { status, json } = await call(app, "GET", "/debug/memory");
  if (status !== 200) throw new Error(`GET /debug/memory answered ${status}`);
  return json;
}

/** Poll the app until its Redis tier says `up` (bounded), for the record of what recovered. */
async function waitForRedisUp(app: AppProcess, timeoutMs: number): Promise<string> {
  const started = Date.now();
  let state = "unknown";
  while (Date.now() - started < timeoutMs) {
    const redis = (await debugMemory(app).catch(() => ({}) as Record<string, unknown>)).redis as
      | { state?: string }
      | null
      | undefined;
    state = redis?.state ?? "none";
    if (state === "up") return state;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return state;
}

function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "failed";
}

type Facts = NonNullable<FaultEvent["facts"]>;

/**
 * Inject one fault and undo it. Never throws: a step that fails (redis-server does not come
 * back, the app does not restart, the debug route is missing) is returned as `step: failed`
 * with its message, so the run is still written with the fault marked.
 */
export async function injectFault(plan: FaultPlan, target: FaultTarget): Promise<FaultEvent> {
  const facts: Facts = {};
  const injectedAtMs = Date.now();
  const event: EventOf = (step, message) => ({
    id: plan.kind,
    label: FAULT_LABELS[plan.kind],
    injectedAtMs,
    clearedAtMs: Date.now(),
    step,
    ...(message ? { message } : {}),
    facts,
  });
  try {
    switch (plan.kind) {
      case "redis-kill":
        return await killRedis(plan, target, event, facts);
      case "worker-crash":
        return await crashWorker(target, event, facts);
      case "app-restart": {
        const before = target.app().url;
        const { stopMs, startMs } = await target.restartApp();
        Object.assign(facts, { stopMs, startMs, sameUrl: target.app().url === before });
        const cleared = event("ok");
        facts.restartMs = cleared.clearedAtMs - injectedAtMs;
        return cleared;
      }
      case "slow-db":
        return await slowDatabase(plan, target, event, facts);
    }
  } catch (error) {
    return event("failed", reason(error));
  }
}

type EventOf = (step: FaultEvent["step"], message?: string) => FaultEvent;

async function killRedis(
  plan: Extract<FaultPlan, { kind: "redis-kill" }>,
  target: FaultTarget,
  event: EventOf,
  facts: Facts,
): Promise<FaultEvent> {
  const redis = target.redis;
  if (!redis)
    return event("failed", "no redis-server to kill: install it (apt-get install redis-server)");
  await redis.kill();
  await pause(plan.downSeconds * 1000, target.signal);
  try {
    await redis.restart();
  } catch (error) {
    return event("failed", `redis-server did not restart: ${reason(error)}`);
  }
  const cleared = event("ok");
  facts.redisStateAfter = await waitForRedisUp(target.app(), 10_000);
  facts.redisBackAfterMs = Date.now() - cleared.clearedAtMs;
  if (facts.redisStateAfter !== "up")
    return {
      ...cleared,
      step: "failed",
      message: `the app's Redis tier stayed ${facts.redisStateAfter} for 10 s after the restart`,
    };
  return cleared;
}

async function crashWorker(target: FaultTarget, event: EventOf, facts: Facts): Promise<FaultEvent> {
  const { status, json } = await call(target.app(), "POST", "/debug/crash-worker");
  const cleared = event("ok");
  facts.crashStatus = status;
  const pool = (await debugMemory(target.app()).catch(() => ({}) as Record<string, unknown>))
    .pool as { threads?: number; crashed?: number } | undefined;
  if (pool?.threads !== undefined) facts.poolThreads = pool.threads;
  if (pool?.crashed !== undefined) facts.poolCrashed = pool.crashed;
  if (status !== 503)
    return {
      ...cleared,
      step: "failed",
      message: `POST /debug/crash-worker answered ${status} (${JSON.stringify(json).slice(0, 120)}), expected 503 from a crashed thread; is PERFGATE_APP_DEBUG on?`,
    };
  return cleared;
}

async function slowDatabase(
  plan: Extract<FaultPlan, { kind: "slow-db" }>,
  target: FaultTarget,
  event: EventOf,
  facts: Facts,
): Promise<FaultEvent> {
  const on = await call(target.app(), "POST", "/debug/faults", { dbDelayMs: plan.delayMs });
  if (on.status !== 200)
    return event(
      "failed",
      `POST /debug/faults answered ${on.status}: ${JSON.stringify(on.json).slice(0, 120)}`,
    );
  facts.delayMs = plan.delayMs;
  // pause() never throws, so the delay is switched off even after Ctrl+C.
  await pause(plan.forSeconds * 1000, target.signal);
  const off = await call(target.app(), "POST", "/debug/faults", { dbDelayMs: 0 });
  if (off.status !== 200) return event("failed", `switching the delay off answered ${off.status}`);
  return event("ok");
}
