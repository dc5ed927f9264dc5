import { existsSync } from "node:fs";
import path from "node:path";
import type { LoadEndpoint } from "../runners/compare-blocks.ts";
import type { TargetStart } from "../runners/target-process.ts";
import type { PerfgateConfig } from "../schema/config.ts";

/** The reference app of this repository: its compare keeps the tuned load suite. */
const REFERENCE_APP = "app/server/src/main.ts";

/**
 * What `perfgate compare --suites load` measures in a project of its own: its
 * `target.start` on both sides, and the plain endpoint passes of its default profile (`/`
 * when it has none). Undefined in perfgate's own repository (the reference app, its hot list
 * page and seeded read mix) and for a config without a start command.
 */
export function compareTarget(
  config: PerfgateConfig,
  root: string,
): { start: TargetStart; endpoints: LoadEndpoint[] } | undefined {
  const start = config.target.start;
  if (!start || existsSync(path.join(root, REFERENCE_APP))) return undefined;
  const name = config.defaultProfile ?? Object.keys(config.profiles)[0];
  const passes = (name ? config.profiles[name]?.endpoints : undefined) ?? [];
  const endpoints = passes
    .filter((pass) => !pass.pathsModule && !pass.appEnv)
    .map((pass) => ({ id: pass.id, path: pass.path }));
  return { start, endpoints: endpoints.length > 0 ? endpoints : [{ id: "home", path: "/" }] };
}
