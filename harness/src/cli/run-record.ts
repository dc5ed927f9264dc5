import {
  makeRunId,
  readEnvironment,
  readGitInfo,
  readLoadAverage,
} from "../runners/environment.ts";
import {
  parseRunResult,
  type QualityWarning,
  type RunResult,
  type Suite,
  type Verdict,
} from "../schema/index.ts";

/**
 * Starts a run record for a command that measures outside `perfgate load` (lhci, bench-engine):
 * provenance and fingerprint now, suites and verdicts when `finish` validates the whole record.
 */
export async function beginRunRecord(
  root: string,
  profile: string,
  tools: Record<string, string>,
  env: NodeJS.ProcessEnv,
) {
  const startedAt = new Date();
  const git = await readGitInfo(root);
  const runId = makeRunId(startedAt, git.shortSha);
  const environment = readEnvironment(tools, env);
  return {
    runId,
    finish(suites: Suite[], verdicts: Verdict[] = [], warnings: QualityWarning[] = []): RunResult {
      return parseRunResult(
        {
          schemaVersion: 1,
          runId,
          startedAt: startedAt.toISOString(),
          finishedAt: new Date().toISOString(),
          status: "complete",
          profile,
          git,
          env: { ...environment, loadAvgAfter: readLoadAverage() },
          suites,
          verdicts,
          warnings,
        },
        profile,
      );
    },
  };
}
