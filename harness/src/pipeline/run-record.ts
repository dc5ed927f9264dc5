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
  SCHEMA_VERSION,
  type Suite,
  type Verdict,
} from "../schema/index.ts";

export interface RunOutcome {
  suites: Suite[];
  verdicts?: Verdict[];
  warnings?: QualityWarning[];
  interrupted?: boolean;
}

/**
 * The one run-record builder: provenance and the machine's fingerprint when a run starts, the
 * whole record validated against the schema when it finishes.
 */
export async function beginRunRecord(
  root: string,
  profile: string,
  tools: Record<string, string>,
  env: NodeJS.ProcessEnv,
  now: () => Date = () => new Date(),
) {
  const startedAt = now();
  const git = await readGitInfo(root);
  const runId = makeRunId(startedAt, git.shortSha);
  const environment = readEnvironment(tools, env);
  return {
    runId,
    finish(outcome: RunOutcome): RunResult {
      const warnings = [...(outcome.warnings ?? [])];
      if (outcome.interrupted) {
        warnings.push({
          code: "interrupted",
          message: "the run was interrupted; results are partial",
        });
      }
      return parseRunResult(
        {
          schemaVersion: SCHEMA_VERSION,
          runId,
          startedAt: startedAt.toISOString(),
          finishedAt: now().toISOString(),
          status: outcome.interrupted ? "interrupted" : "complete",
          profile,
          git,
          env: { ...environment, loadAvgAfter: readLoadAverage() },
          suites: outcome.suites,
          verdicts: outcome.verdicts ?? [],
          warnings,
        },
        `run ${runId}`,
      );
    },
  };
}
