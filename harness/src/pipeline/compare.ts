import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../history/atomic-write.ts";
import { renderComparisonMarkdown } from "../render/comparison-markdown.ts";
import {
  comparisonVerdicts,
  decideComparison,
  failingMetrics,
  isSuspect,
  toComparisonInputs,
} from "../report/comparison.ts";
import { measureLoadBlock, measureMicrobenchBlock, type Side } from "../runners/compare-blocks.ts";
import { makeRunId, readGitInfo } from "../runners/environment.ts";
import { loadPathsModule } from "../runners/paths-module.ts";
import { type BaseTree, prepareBaseTree } from "../runners/worktree.ts";
import {
  type BlockSample,
  ComparisonRecord,
  EXIT,
  formatIssues,
  HarnessError,
  isHarnessError,
  type MetricDecision,
} from "../schema/index.ts";
import { seededRandom } from "../stats/index.ts";
import {
  type Calibration,
  type GatesConfig,
  parseGates,
  updateCalibration,
} from "../verdicts/gates.ts";
import { READ_MIX_MODULE } from "./profiles.ts";
import { PATHS_SEED } from "./stages/endpoints.ts";

/** What a comparison measures: microbench suites (empty = all) and/or the load endpoints. */
export interface CompareSelection {
  microbench: string[] | undefined;
  load: boolean;
}

export interface ComparePipelineOptions {
  root: string;
  /** perfgate.config.ts `gates`, relative to root; default harness/config/gates.json. */
  gatesFile?: string | undefined;
  /** Base git ref; the head is the working tree. */
  base: string;
  selection: CompareSelection;
  blocks: number;
  confirmBlocks: number;
  seed: number;
  loadSeconds: number;
  benchBudgetMs: number;
  /** Handed to the read mix's paths module (it asks only for products the app seeded). */
  env: Record<string, string | undefined>;
  /** Where A/A calibration is read and stored (default reports/calibration.json). */
  calibrationFile?: string;
  /**
   * Record an A/A calibration even though the tree has uncommitted changes (the nightly job's
   * fresh run record and trend pages are such changes). Without it, a base equal to HEAD
   * calibrates only on a clean tree.
   */
  calibrate?: boolean;
  signal: AbortSignal;
  log: (line: string) => void;
  now?: () => Date;
}

export interface ComparePipelineResult {
  record: ComparisonRecord;
  dir: string;
  markdown: string;
}

const GATES_FILE = "harness/config/gates.json";
const CALIBRATION_FILE = "reports/calibration.json";

async function readCalibration(file: string): Promise<Calibration> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return {};
  try {
    return (JSON.parse(text) as { metrics: Calibration }).metrics ?? {};
  } catch {
    return {};
  }
}

/** One round: `blocks` blocks, each running base and head back to back in a seeded random order. */
async function measureRound(
  options: ComparePipelineOptions,
  sides: { base: Side; head: Side },
  round: {
    name: string;
    firstBlock: number;
    blocks: number;
    selection: CompareSelection;
    onlyBench?: ReadonlySet<string>;
  },
  workDir: string,
  readMix: readonly string[],
): Promise<BlockSample[]> {
  const samples: BlockSample[] = [];
  // Balanced order (ABBA…) from a seeded start: each side goes first in half the blocks, so a
  // machine that warms up or slows down during the round favours neither.
  const start = seededRandom(options.seed * 1000 + round.firstBlock)() < 0.5 ? 0 : 1;
  for (let i = 0; i < round.blocks; i++) {
    if (options.signal.aborted) break;
    const block = round.firstBlock + i;
    const order = (i + start) % 2 === 0 ? [sides.base, sides.head] : [sides.head, sides.base];
    options.log(
      `${round.name} block ${i + 1}/${round.blocks}: ${order.map((s) => s.label).join(" then ")}`,
    );
    if (round.selection.microbench) {
      for (const side of order) {
        if (options.signal.aborted) break;
        samples.push(
          ...(await measureMicrobenchBlock({
            side,
            block,
            suites: round.selection.microbench,
            ...(round.onlyBench ? { only: round.onlyBench } : {}),
            workDir: path.join(workDir, "microbench"),
            budgetMs: options.benchBudgetMs,
            signal: options.signal,
            log: options.log,
          })),
        );
      }
    }
    if (round.selection.load) {
      for (const side of order) {
        if (options.signal.aborted) break;
        samples.push(
          ...(await measureLoadBlock({
            side,
            block,
            endpoints: [
              { id: "products-list", path: "/api/products?limit=20" },
              { id: "catalogue-read", path: "/", paths: readMix },
            ],
            connections: 10,
            durationSeconds: options.loadSeconds,
            warmupSeconds: 1,
            workDir: path.join(workDir, "load"),
            signal: options.signal,
          })),
        );
      }
    }
  }
  return samples;
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
  const { root, signal, log } = options;
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const git = await readGitInfo(root);
  const id = `compare-${makeRunId(startedAt, git.shortSha)}`;
  const dir = path.join(root, ".perf", "compare", id);
  const gatesFile = options.gatesFile ?? GATES_FILE;
  const gates: GatesConfig = parseGates(
    await readFile(path.join(root, gatesFile), "utf8"),
    gatesFile,
  );
  const calibrationFile = options.calibrationFile ?? path.join(root, CALIBRATION_FILE);
  const calibration = await readCalibration(calibrationFile);
  const today = startedAt.toISOString().slice(0, 10);
  const suites = [
    ...(options.selection.microbench
      ? [
          `microbench${options.selection.microbench.length ? `:${options.selection.microbench.join("+")}` : ""}`,
        ]
      : []),
    ...(options.selection.load ? ["load"] : []),
  ];
  const record: ComparisonRecord = {
    schemaVersion: 1,
    id,
    status: "failed",
    mode: "compare",
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    base: { ref: options.base, sha: "", install: "" },
    head: { sha: git.sha, dirty: git.dirty },
    settings: {
      suites,
      blocks: options.blocks,
      confirmBlocks: options.confirmBlocks,
      seed: options.seed,
    },
    rounds: [],
    final: [],
    verdicts: [],
    failing: [],
  };
  let baseTree: BaseTree | undefined;
  try {
    log(
      `compare ${id}: base ${options.base} vs the working tree (${git.shortSha}${git.dirty ? " + changes" : ""})`,
    );
    baseTree = await prepareBaseTree(root, options.base, path.join(dir, "base-tree"), signal, log);
    record.base = { ref: options.base, sha: baseTree.sha, install: baseTree.install };
    if (options.calibrate && baseTree.sha !== git.sha) {
      throw new HarnessError(
        "E_USAGE",
        `compare: --calibrate needs --base HEAD (the same commit on both sides), got ${options.base}`,
        {
          hint: "npm run compare -- --base HEAD --calibrate",
          exitCode: EXIT.usage,
        },
      );
    }
    record.mode =
      baseTree.sha === git.sha && (!git.dirty || options.calibrate) ? "calibration" : "compare";
    log(
      `base ${baseTree.sha.slice(0, 7)} checked out (${baseTree.install})${record.mode === "calibration" ? "; same code on both sides: A/A calibration" : ""}`,
    );
    // Both sides share one seeded catalogue template, so the base does not seed its own.
    const appEnv = { PERFGATE_APP_DB_CACHE: path.join(root, ".perf", "app-db") };
    const sides = {
      base: { label: "base", root: baseTree.root, appEnv } as Side,
      head: { label: "head", root, appEnv } as Side,
    };
    const generate = await loadPathsModule(root, READ_MIX_MODULE, path.join(dir, "paths"));
    const readMix = generate({ seed: PATHS_SEED, count: 50_000, env: options.env });

    const initial = await measureRound(
      options,
      sides,
      { name: "initial", firstBlock: 0, blocks: options.blocks, selection: options.selection },
      dir,
      readMix,
    );
    const decide = (samples: BlockSample[]) =>
      decideComparison(toComparisonInputs(samples), gates, calibration, {
        seed: options.seed,
        today,
      });
    await writeFileAtomic(path.join(dir, "samples.json"), `${JSON.stringify(initial)}\n`);
    const first = decide(initial);
    record.rounds.push({ name: "initial", blocks: options.blocks, suites, decisions: first });
    let final: MetricDecision[] = first;
    const suspects = first.filter(isSuspect);
    if (suspects.length > 0 && options.confirmBlocks > 0 && !signal.aborted) {
      const keys = new Set(suspects.map((d) => `${d.suiteId}/${d.metricId}`));
      const benchCases = new Set(
        suspects
          .filter((d) => d.suiteId.startsWith("microbench/"))
          .map((d) => `${d.suiteId.slice("microbench/".length)}/${d.metricId}`),
      );
      const selection: CompareSelection = {
        microbench:
          benchCases.size > 0
            ? [...new Set([...benchCases].map((k) => k.split("/")[0] as string))]
            : undefined,
        load: suspects.some((d) => d.suiteId.startsWith("load/")),
      };
      log(
        `confirming ${suspects.length} suspected regression(s) with ${options.confirmBlocks} more blocks: ${[...keys].join(", ")}`,
      );
      const more = await measureRound(
        options,
        sides,
        {
          name: "confirmation",
          firstBlock: options.blocks,
          blocks: options.confirmBlocks,
          selection,
          onlyBench: benchCases,
        },
        dir,
        readMix,
      );
      await writeFileAtomic(
        path.join(dir, "samples-confirmation.json"),
        `${JSON.stringify(more)}\n`,
      );
      const confirmed = decide([
        ...initial,
        ...more.filter((s) => keys.has(`${s.suiteId}/${s.metricId}`)),
      ]);
      record.rounds.push({
        name: "confirmation",
        blocks: options.confirmBlocks,
        suites: [
          ...(selection.microbench ? ["microbench"] : []),
          ...(selection.load ? ["load"] : []),
        ],
        decisions: confirmed.filter((d) => keys.has(`${d.suiteId}/${d.metricId}`)),
      });
      final = confirmed;
    }
    record.final = final;
    record.verdicts = comparisonVerdicts(final);
    record.failing = failingMetrics(final);
    record.status = signal.aborted ? "interrupted" : "complete";
    if (signal.aborted) {
      record.error = "interrupted (Ctrl+C or SIGTERM) before every block ran";
      record.failing = [];
      // Partial blocks decide nothing: no verdict of an unfinished comparison may fail a check.
      record.verdicts = record.verdicts.map((v) => ({ ...v, level: "warn" as const }));
    }
    if (record.mode === "calibration" && record.status === "complete") {
      const next = updateCalibration(
        calibration,
        final.map((d) => ({
          key: `${d.suiteId}/${d.metricId}`,
          mdePct: d.mdePct ?? Number.POSITIVE_INFINITY,
          falseAlarm: d.status === "regressed" || d.status === "improved",
        })),
      );
      await writeFileAtomic(
        calibrationFile,
        `${JSON.stringify({ updatedAt: now().toISOString(), metrics: next }, null, 2)}\n`,
      );
      log(`calibration: ${path.relative(root, calibrationFile)} updated (${final.length} metrics)`);
    }
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
    await baseTree?.remove();
  }
  record.finishedAt = now().toISOString();
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
