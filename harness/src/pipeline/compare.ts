import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../history/atomic-write.ts";
import { readCalibrationFile, writeCalibrationFile } from "../history/calibration-store.ts";
import { renderComparisonMarkdown } from "../render/comparison-markdown.ts";
import {
  comparisonVerdicts,
  decideComparison,
  failingMetrics,
  isSuspect,
  toComparisonInputs,
} from "../report/comparison.ts";
import type { Side } from "../runners/compare-blocks.ts";
import {
  ciRunUrl,
  makeRunId,
  readEnvironment,
  readGitInfo,
  readLoadAverage,
} from "../runners/environment.ts";
import {
  type ForeignLoadSampler,
  foreignLoadMeta,
  startForeignLoadSampler,
} from "../runners/foreign-load.ts";
import { loadPathsModule } from "../runners/paths-module.ts";
import { type BaseTree, prepareBaseTree } from "../runners/worktree.ts";
import {
  type BlockSample,
  COMPARISON_SCHEMA_VERSION,
  ComparisonRecord,
  EXIT,
  formatIssues,
  HarnessError,
  isHarnessError,
  type MetricDecision,
} from "../schema/index.ts";
import {
  type Calibration,
  DEFAULT_GATES,
  type GatesConfig,
  parseGates,
  updateCalibration,
} from "../verdicts/gates.ts";
import {
  type ComparePipelineOptions,
  type CompareSelection,
  measureRound,
} from "./compare-round.ts";
import { DEFAULT_SEED_PRODUCTS, READ_MIX_MODULE } from "./profiles.ts";
import { PATHS_SEED } from "./stages/endpoints.ts";

export type { ComparePipelineOptions };

export interface ComparePipelineResult {
  record: ComparisonRecord;
  dir: string;
  markdown: string;
}

const GATES_FILE = "harness/config/gates.json";
const CALIBRATION_FILE = "reports/calibration.json";

function suiteNames(selection: CompareSelection): string[] {
  return [
    ...(selection.microbench
      ? [`microbench${selection.microbench.length ? `:${selection.microbench.join("+")}` : ""}`]
      : []),
    ...(selection.load ? ["load"] : []),
  ];
}

function newRecord(
  options: ComparePipelineOptions,
  id: string,
  startedAt: Date,
  head: { sha: string; dirty: boolean },
): ComparisonRecord {
  return {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    id,
    status: "failed",
    mode: "compare",
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    base: { ref: options.base, sha: "", install: "" },
    head,
    settings: {
      suites: suiteNames(options.selection),
      blocks: options.blocks,
      confirmBlocks: options.confirmBlocks,
      seed: options.seed,
    },
    rounds: [],
    final: [],
    verdicts: [],
    failing: [],
    environment: readEnvironment({}),
    ...(ciRunUrl() ? { runUrl: ciRunUrl() } : {}),
  };
}

/** What a comparison needs once the base is checked out: both sides and the read mix. */
interface CompareSetup {
  sides: { base: Side; head: Side };
  readMix: readonly string[];
  decide(samples: BlockSample[]): MetricDecision[];
}

/**
 * Re-measure the suspected regressions with more blocks and decide them on all blocks: a
 * suspect fails a check only when the confirmation agrees.
 */
async function confirmSuspects(
  options: ComparePipelineOptions,
  setup: CompareSetup,
  record: ComparisonRecord,
  initial: BlockSample[],
  first: MetricDecision[],
  dir: string,
): Promise<MetricDecision[]> {
  const suspects = first.filter(isSuspect);
  if (suspects.length === 0 || options.confirmBlocks === 0 || options.signal.aborted) return first;
  const keys = new Set(suspects.map((d) => `${d.suiteId}/${d.metricId}`));
  const benchCases = new Set(
    suspects
      .filter((d) => d.suiteId.startsWith("microbench/"))
      // A case's instruction metrics re-measure the case itself.
      .map((d) =>
        `${d.suiteId.slice("microbench/".length)}/${d.metricId}`.replace(
          /\/(instructions|est-cycles)$/,
          "",
        ),
      ),
  );
  const selection: CompareSelection = {
    microbench:
      benchCases.size > 0
        ? [...new Set([...benchCases].map((k) => k.split("/")[0] as string))]
        : undefined,
    load: suspects.some((d) => d.suiteId.startsWith("load/")),
  };
  options.log(
    `confirming ${suspects.length} suspected regression(s) with ${options.confirmBlocks} more blocks: ${[...keys].join(", ")}`,
  );
  const round = {
    name: "confirmation",
    firstBlock: options.blocks,
    blocks: options.confirmBlocks,
    selection,
    onlyBench: benchCases,
  };
  const more = await measureRound(options, setup.sides, round, dir, setup.readMix);
  await writeFileAtomic(path.join(dir, "samples-confirmation.json"), `${JSON.stringify(more)}\n`);
  const confirmed = setup.decide([
    ...initial,
    ...more.filter((s) => keys.has(`${s.suiteId}/${s.metricId}`)),
  ]);
  record.rounds.push({
    name: "confirmation",
    blocks: options.confirmBlocks,
    suites: suiteNames(selection),
    decisions: confirmed.filter((d) => keys.has(`${d.suiteId}/${d.metricId}`)),
  });
  return confirmed;
}

/** The final decisions into the record; partial blocks decide nothing and never fail a check. */
function closeRecord(record: ComparisonRecord, final: MetricDecision[], aborted: boolean): void {
  record.final = final;
  record.verdicts = comparisonVerdicts(final);
  record.failing = failingMetrics(final);
  record.status = aborted ? "interrupted" : "complete";
  if (aborted) {
    record.error = "interrupted (Ctrl+C or SIGTERM) before every block ran";
    record.failing = [];
    record.verdicts = record.verdicts.map((v) => ({ ...v, level: "warn" as const }));
  }
}

/** Check out the base and settle whether this is a comparison or an A/A calibration. */
async function checkOutBase(
  options: ComparePipelineOptions,
  record: ComparisonRecord,
  git: { sha: string; dirty: boolean },
  dir: string,
): Promise<BaseTree> {
  const baseTree = await prepareBaseTree(
    options.root,
    options.base,
    path.join(dir, "base-tree"),
    options.signal,
    options.log,
  );
  record.base = { ref: options.base, sha: baseTree.sha, install: baseTree.install };
  if (options.calibrate && baseTree.sha !== git.sha) {
    await baseTree.remove();
    throw new HarnessError(
      "E_USAGE",
      `compare: --calibrate needs --base HEAD (the same commit on both sides), got ${options.base}`,
      { hint: "npm run compare -- --base HEAD --calibrate", exitCode: EXIT.usage },
    );
  }
  record.mode =
    baseTree.sha === git.sha && (!git.dirty || options.calibrate) ? "calibration" : "compare";
  options.log(
    `base ${baseTree.sha.slice(0, 7)} checked out (${baseTree.install})${record.mode === "calibration" ? "; same code on both sides: A/A calibration" : ""}`,
  );
  return baseTree;
}

/** Measure, confirm, decide and (for an A/A run) store the calibration. */
async function measureAndDecide(
  options: ComparePipelineOptions,
  record: ComparisonRecord,
  baseRoot: string,
  dir: string,
  context: {
    gates: GatesConfig;
    calibration: Calibration;
    calibrationFile: string;
    today: string;
    now: () => Date;
  },
): Promise<void> {
  const { root, signal, log } = options;
  // Both sides share one seeded catalogue template, so the base does not seed its own.
  // Both sides seed the same catalogue, whatever default each side's app has.
  const seedProducts = options.env.PERFGATE_APP_SEED_PRODUCTS || String(DEFAULT_SEED_PRODUCTS);
  const appEnv = {
    PERFGATE_APP_DB_CACHE: path.join(root, ".perf", "app-db"),
    PERFGATE_APP_SEED_PRODUCTS: seedProducts,
  };
  // A project's own target: its command on both sides, no reference-app read mix.
  const start = options.target?.start;
  const generate = start
    ? () => []
    : await loadPathsModule(root, READ_MIX_MODULE, path.join(dir, "paths"));
  const setup: CompareSetup = {
    sides: {
      base: { label: "base", root: baseRoot, appEnv, ...(start ? { start } : {}) },
      head: { label: "head", root, appEnv, ...(start ? { start } : {}) },
    },
    readMix: generate({
      seed: PATHS_SEED,
      count: 50_000,
      env: { ...options.env, PERFGATE_APP_SEED_PRODUCTS: seedProducts },
    }),
    decide: (samples) =>
      decideComparison(toComparisonInputs(samples), context.gates, context.calibration, {
        seed: options.seed,
        today: context.today,
      }),
  };
  const round = {
    name: "initial",
    firstBlock: 0,
    blocks: options.blocks,
    selection: options.selection,
  };
  const initial = await measureRound(options, setup.sides, round, dir, setup.readMix);
  await writeFileAtomic(path.join(dir, "samples.json"), `${JSON.stringify(initial)}\n`);
  const first = setup.decide(initial);
  record.rounds.push({
    name: "initial",
    blocks: options.blocks,
    suites: record.settings.suites,
    decisions: first,
  });
  const final = await confirmSuspects(options, setup, record, initial, first, dir);
  closeRecord(record, final, signal.aborted);
  if (record.mode === "calibration" && record.status === "complete") {
    const next = updateCalibration(
      context.calibration,
      final.map((d) => ({
        key: `${d.suiteId}/${d.metricId}`,
        mdePct: d.mdePct ?? Number.POSITIVE_INFINITY,
        falseAlarm: d.status === "regressed" || d.status === "improved",
      })),
    );
    await writeCalibrationFile(context.calibrationFile, next, context.now());
    log(
      `calibration: ${path.relative(root, context.calibrationFile)} updated (${final.length} metrics)`,
    );
  }
}

/**
 * The configured gates file, else this repository's default file where it exists, else the
 * built-in defaults: a project laid out unlike perfgate's own still compares.
 */
async function readGatesFile(root: string, configured: string | undefined): Promise<GatesConfig> {
  const file = configured ?? GATES_FILE;
  const text = await readFile(path.join(root, file), "utf8").catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" && configured === undefined) return undefined;
      throw new HarnessError(
        "E_CONFIG",
        `compare: cannot read the gates file ${file}: ${error.message}`,
        {
          hint: "fix `gates` in perfgate.config.* (a path relative to the project root)",
          exitCode: EXIT.usage,
        },
      );
    },
  );
  return text === undefined ? DEFAULT_GATES : parseGates(text, file);
}

/**
 * `perfgate compare`: base (a git worktree) vs the working tree, measured in interleaved blocks,
 * decided per metric with paired statistics, and confirmed: a suspected regression is
 * re-measured with more blocks before it can fail the check. Writes
 * `.perf/compare/<id>/comparison.{json,md}`; an interrupted or failed comparison is written
 * with that status and never gates.
 */
export async function runComparePipeline(
  options: ComparePipelineOptions,
): Promise<ComparePipelineResult> {
  const { root, signal } = options;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const git = await readGitInfo(root);
  const id = `compare-${makeRunId(startedAt, git.shortSha)}`;
  const dir = path.join(root, ".perf", "compare", id);
  const gates = await readGatesFile(root, options.gatesFile);
  const calibrationFile = options.calibrationFile ?? path.join(root, CALIBRATION_FILE);
  const calibration = (await readCalibrationFile<Calibration>(calibrationFile)) as Calibration;
  const record = newRecord(options, id, startedAt, { sha: git.sha, dirty: git.dirty });
  let baseTree: BaseTree | undefined;
  let sampler: ForeignLoadSampler | undefined;
  try {
    options.log(
      `compare ${id}: base ${options.base} vs the working tree (${git.shortSha}${git.dirty ? " + changes" : ""})`,
    );
    baseTree = await checkOutBase(options, record, git, dir);
    // Foreign CPU over every block: the noise line of the comment, and a warning above the limit.
    sampler = startForeignLoadSampler();
    const today = startedAt.toISOString().slice(0, 10);
    await measureAndDecide(options, record, baseTree.root, dir, {
      gates,
      calibration,
      calibrationFile,
      today,
      now,
    });
  } catch (error) {
    record.status = signal.aborted ? "interrupted" : "failed";
    record.error = isHarnessError(error) ? error.message : (error as Error).message;
    record.failing = [];
    if (isHarnessError(error) && error.exitCode === EXIT.usage) throw error;
    if (!signal.aborted) {
      await write(record, dir);
      throw isHarnessError(error)
        ? error
        : new HarnessError("E_COMPARE", `compare failed: ${record.error}`, {
            exitCode: EXIT.toolFailed,
            cause: error,
          });
    }
  } finally {
    const load = sampler?.stop();
    if (load) record.foreignLoad = foreignLoadMeta(load);
    await baseTree?.remove();
  }
  record.finishedAt = now().toISOString();
  if (record.environment) record.environment.loadAvgAfter = readLoadAverage();
  const markdown = await write(record, dir);
  return { record, dir, markdown };
}

async function write(candidate: ComparisonRecord, dir: string): Promise<string> {
  const parsed = ComparisonRecord.safeParse(candidate);
  if (!parsed.success) {
    throw new HarnessError(
      "E_SCHEMA",
      `comparison record: ${formatIssues(parsed.error.issues).join("; ")}`,
      { exitCode: EXIT.schema },
    );
  }
  const record = parsed.data;
  const markdown = renderComparisonMarkdown(record);
  await writeFileAtomic(path.join(dir, "comparison.md"), markdown);
  // The JSON last: a comparison.json on disk always has its markdown beside it.
  await writeFileAtomic(path.join(dir, "comparison.json"), `${JSON.stringify(record, null, 2)}\n`);
  return markdown;
}
