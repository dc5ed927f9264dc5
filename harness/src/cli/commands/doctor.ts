import { detectChromium, detectK6, detectRedis, type ToolInfo } from "../../runners/tools.ts";
import { EXIT } from "../../schema/index.ts";
import type { Command } from "../command.ts";

interface Check {
  name: string;
  found: boolean;
  detail: string;
  /** What works without it, or what it disables. */
  effect: string;
}

function describeTool(tool: ToolInfo): string {
  return tool.path ? `${tool.version ?? "version unknown"} (${tool.path})` : "not found";
}

const MIN_NODE = [20, 19];

function nodeIsSupported(version: string): boolean {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major > (MIN_NODE[0] ?? 0) || (major === MIN_NODE[0] && minor >= (MIN_NODE[1] ?? 0));
}

/** `perfgate doctor`: what is available here and what each missing piece disables. Runs no load. */
export const doctorCommand: Command = {
  help: {
    usage: "doctor",
    examples: ["perfgate doctor"],
  },
  async run(_argv, io) {
    const [k6, chromium, redis] = await Promise.all([
      detectK6(io.env),
      detectChromium(io.env),
      detectRedis(io.env),
    ]);
    const node = process.versions.node;
    const checks: Check[] = [
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
        found: Boolean(redis.path) || Boolean(io.env.REDIS_URL),
        detail: io.env.REDIS_URL ? `REDIS_URL is set` : describeTool(redis),
        effect:
          redis.path || io.env.REDIS_URL
            ? "the app's Redis cache tier and cross-instance invalidation are on"
            : "the app runs without its Redis tier (LRU -> database only); Redis integration tests are skipped (apt-get install redis-server)",
      },
      {
        name: "postgres",
        found: Boolean(io.env.DATABASE_URL),
        detail: io.env.DATABASE_URL ? "DATABASE_URL is set" : "DATABASE_URL not set",
        effect: io.env.DATABASE_URL
          ? "the app uses the Postgres at DATABASE_URL"
          : "the app uses embedded PGlite (no server needed); set DATABASE_URL for a real Postgres",
      },
    ];
    const width = Math.max(...checks.map((check) => check.name.length));
    for (const check of checks) {
      io.out(
        `${check.found ? "✓" : "✗"} ${check.name.padEnd(width)}  ${check.detail}\n    ${check.effect}\n`,
      );
    }
    return checks[0]?.found ? EXIT.ok : EXIT.usage;
  },
};
