// perfgate's public surface for a project's own files: `perfgate.config.ts` imports
// defineConfig from here.
export {
  EXIT,
  HarnessError,
  parseRunResult,
  type RunResult,
  type Suite,
} from "./schema/index.ts";
