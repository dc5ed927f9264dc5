// perfgate's public surface for a project's own files: `perfgate.config.ts` imports
// defineConfig from here.
export { defineConfig } from "./config/define.ts";
export type {
  EndpointPassConfig,
  LoadProfileConfig,
  PerfgateConfig,
  PerfgateConfigInput,
} from "./schema/config.ts";
export {
  EXIT,
  HarnessError,
  parseRunResult,
  type RunResult,
  type Suite,
} from "./schema/index.ts";
