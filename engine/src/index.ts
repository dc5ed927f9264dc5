// The engine's public surface: what the harness and other tools may import.
export { ENGINE_HELP, type EngineIo, EngineUsageError, engineCli } from "./cli.ts";
export { parseDuration } from "./duration.ts";
export { executionRequirements } from "./inspect.ts";
export { type InstanceSummary, mergeSummaries } from "./merge.ts";
export { judgeMergedThresholds, type MergedThreshold } from "./merge-thresholds.ts";
// The k6-operator's pods played on this machine (tests, benchmarks).
export {
  collectFromLogs,
  type PlayedRunner,
  patchStatus,
  playInitializer,
  pollStatus,
  RESUME_BODY,
  runEngineBin,
  runnerArgs,
  STOP_BODY,
  segmentArgs,
  startRunners,
} from "./operator-play.ts";
export { type EngineRunOptions, K6_EXIT, runEngine } from "./run.ts";
export { executionTuple } from "./segment.ts";
export {
  formatSummaryLine,
  parseSummaryLine,
  type RunnerSummary,
  SUMMARY_LINE_KIND,
} from "./summary-line.ts";
