import type { PerfgateConfigInput } from "../schema/config.ts";

/** Types a `perfgate.config.ts` for the editor; perfgate validates it when it loads it. */
export function defineConfig(config: PerfgateConfigInput): PerfgateConfigInput {
  return config;
}
