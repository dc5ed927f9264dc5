import { detectChromium, detectK6, detectRedis, type ToolInfo } from "../runners/tools.ts";

/** One thing perfgate can use here, and what having it (or not) means. */
export interface DoctorCheck {
  name: string;
  found: boolean;
  detail: string;
  /** What works without it, or what it disables. */
  effect: string;
}

const MIN_NODE = [20, 19] as const;

function nodeIsSupported(version: string): boolean {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

function describeTool(tool: ToolInfo): string {
  return tool.path ? `${tool.version ?? "version unknown"} (${tool.path})` : "not found";
}

/** What is available on this machine and what each missing piece disables. Runs no load. */
export async function checkEnvironment(
  env: NodeJS.ProcessEnv,
  node = process.versions.node,
): Promise<DoctorCheck[]> {
  const [k6, chromium, redis] = await Promise.all([
    detectK6(env),
    detectChromium(env),
    detectRedis(env),
  ]);
  const redisOn = Boolean(redis.path) || Boolean(env.REDIS_URL);
  return [
    {
      name: "node",
      found: nodeIsSupported(node),
      detail: node,
      effect: nodeIsSupported(node) ? "ok" : `perfgate needs Node >= ${MIN_NODE.join(".")}`,
    },
    {
      name: "k6",
      found: Boolean(k6.path),
      detail: describeTool(k6),
      effect: k6.path
        ? "scenarios run on the real k6 binary (PERFGATE_ENGINE=builtin forces the built-in engine)"
        : "scenarios run on the built-in k6-compatible engine (set K6_PATH or put k6 on PATH to use real k6)",
    },
    {
      name: "chromium",
      found: Boolean(chromium.path),
      detail: describeTool(chromium),
      effect: chromium.path
        ? "Lighthouse CI, browser tests and the dashboard screenshot test can run"
        : "disables `npm run lhci`, the lighthouse stage of `npm run load` and browser tests (apt-get install chromium, or set CHROME_PATH)",
    },
    {
      name: "redis-server",
      found: redisOn,
      detail: env.REDIS_URL ? "REDIS_URL is set" : describeTool(redis),
      effect: redisOn
        ? "the app's Redis cache tier and cross-instance invalidation are on"
        : "the app runs without its Redis tier (LRU -> database only); Redis integration tests are skipped (apt-get install redis-server)",
    },
    {
      name: "postgres",
      found: Boolean(env.DATABASE_URL),
      detail: env.DATABASE_URL ? "DATABASE_URL is set" : "DATABASE_URL not set",
      effect: env.DATABASE_URL
        ? "the app uses the Postgres at DATABASE_URL"
        : "the app uses embedded PGlite (no server needed); set DATABASE_URL for a real Postgres",
    },
  ];
}
