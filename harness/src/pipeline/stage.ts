import { SAMPLED_KINDS, withForeignLoad } from "../runners/foreign-load.ts";
import {
  EXIT,
  isHarnessError,
  type QualityWarning,
  type Suite,
  type Verdict,
} from "../schema/index.ts";

/** What a stage adds to the run record. */
export interface StageResult {
  suites: Suite[];
  verdicts?: Verdict[];
  warnings?: QualityWarning[];
  /** The stage was stopped by Ctrl+C (k6 exit 105): its results are partial. */
  interrupted?: boolean;
}

/**
 * One step of a pipeline. `C` is the pipeline's context: what every stage may read, and the
 * few things earlier stages hand to later ones (the app's URL, the generator watcher).
 */
export interface Stage<C> {
  id: string;
  /** The suite recorded when `run` fails: a unit that fails is a result, not a crash. */
  unit: StageUnit;
  /** Why the stage does not run here ("not configured", "no Chromium found"), or undefined. */
  skip(context: C): string | undefined;
  /** A failure stops the run instead of becoming an errored suite (the app under test). */
  required?: boolean;
  /** Runs even after Ctrl+C: it closes what an earlier stage measured (the memory verdict). */
  alsoWhenInterrupted?: boolean;
  /** One line printed when the stage starts. */
  describe(context: C): string;
  run(context: C): Promise<StageResult>;
  /** Undo what `run` started (an app, a sampler), in reverse order, whatever happened. */
  cleanup?(context: C): Promise<void>;
}

/** The kind and tool of the suite recorded for a stage that fails. */
export interface StageUnit {
  /** The errored suite's id when it is not the stage's (the bundle stage's suite is `web`). */
  id?: string;
  kind: Suite["kind"];
  tool: string;
  version?: string;
}

/** Where stages print and whether the run is being stopped. */
export interface StageIo {
  signal: AbortSignal;
  log(line: string): void;
}

export interface PipelineOutcome {
  suites: Suite[];
  verdicts: Verdict[];
  warnings: QualityWarning[];
  interrupted: boolean;
}

function firstLine(error: unknown): string {
  const text = isHarnessError(error) ? error.message : String(error);
  return text.split("\n")[0] || "failed";
}

/** The errored suite that stands for a stage that failed. */
export function erroredSuite(id: string, unit: StageUnit, error: unknown): Suite {
  return {
    kind: unit.kind,
    id,
    tool: { name: unit.tool, version: unit.version ?? "" },
    status: "errored",
    error: firstLine(error),
    metrics: [],
  };
}

/**
 * Run `work`; a failure becomes an errored suite and the run goes on. Usage errors (bad input
 * found late) still stop the run.
 */
export async function guardUnit(
  id: string,
  unit: StageUnit,
  work: () => Promise<Suite>,
): Promise<Suite> {
  try {
    // Numbers measured while other processes used the machine carry that with them.
    return await (SAMPLED_KINDS.has(unit.kind) ? withForeignLoad(work) : work());
  } catch (error) {
    if (isHarnessError(error) && error.exitCode === EXIT.usage) throw error;
    return erroredSuite(id, unit, error);
  }
}

/**
 * Run stages in order, each once, none overlapping. A skipped stage is named with its reason;
 * a failed one is recorded as errored; cleanups run in reverse order even when a stage throws.
 */
export async function runStages<C extends StageIo>(
  stages: readonly Stage<C>[],
  context: C,
): Promise<PipelineOutcome> {
  const outcome: PipelineOutcome = { suites: [], verdicts: [], warnings: [], interrupted: false };
  const started: Stage<C>[] = [];
  try {
    for (const stage of stages) {
      if (context.signal.aborted && !stage.alsoWhenInterrupted) continue;
      const reason = stage.skip(context);
      if (reason !== undefined) {
        context.log(`${stage.id}: not run (${reason})`);
        continue;
      }
      context.log(stage.describe(context));
      const t0 = Date.now();
      started.push(stage);
      try {
        const result = await stage.run(context);
        outcome.suites.push(...result.suites);
        outcome.verdicts.push(...(result.verdicts ?? []));
        outcome.warnings.push(...(result.warnings ?? []));
        outcome.interrupted ||= result.interrupted ?? false;
        const errored = result.suites.filter((s) => s.status === "errored").map((s) => s.id);
        context.log(
          `${stage.id}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s${errored.length ? ` (errored: ${errored.join(", ")})` : ""}`,
        );
      } catch (error) {
        const usage = isHarnessError(error) && error.exitCode === EXIT.usage;
        if (context.signal.aborted && !usage) {
          // Stopped by Ctrl+C/SIGTERM, not failed: the run is recorded as interrupted, even when
          // the stop came while a required stage (the app starting) waited (issue 22 H8).
          context.log(`${stage.id}: stopped (interrupted)`);
          continue;
        }
        if (stage.required || usage) throw error;
        outcome.suites.push(erroredSuite(stage.unit.id ?? stage.id, stage.unit, error));
        context.log(`${stage.id}: errored — ${firstLine(error)}`);
      }
    }
  } finally {
    for (const stage of started.reverse()) await stage.cleanup?.(context);
  }
  outcome.interrupted ||= context.signal.aborted;
  return outcome;
}
