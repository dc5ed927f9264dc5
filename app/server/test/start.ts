import { loadConfig } from "../src/config.ts";
import { type RunningApp, startApp } from "../src/server.ts";
import type { SharedParts } from "../src/services.ts";

/** An app instance on a free loopback port with test-sized data and the given flags. */
export function startTestApp(
  env: Record<string, string> = {},
  shared: SharedParts = {},
): Promise<RunningApp> {
  return startApp(
    loadConfig({
      PERFGATE_APP_SEED_PRODUCTS: "5000",
      PERFGATE_APP_WORKERS: "1",
      REDIS_URL: "off",
      PERFGATE_APP_DEBUG: "on",
      ...env,
    }),
    () => {},
    shared,
  );
}
