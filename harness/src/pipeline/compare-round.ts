import path from "node:path";
import {
  type LoadEndpoint,
  measureLoadBlock,
  measureMicrobenchBlock,
  type Side,
} from "../runners/compare-blocks.ts";
import type { InstructionSettings, MicrobenchMeasure } from "../runners/microbench.ts";
import type { TargetStart } from "../runners/target-process.ts";
import { type BlockSample, EXIT, HarnessError } from "../schema/index.ts";
import { seededRandom } from "../stats/index.ts";

/** What a comparison measures: microbench suites (empty = all) and/or the load endpoints. */
export interface CompareSelection {
  microbench: string[] | undefined;
  load: boolean;
}

/** `microbench,load`, `microbench:lru+pool`, `load`: what to compare. */
export function parseSelection(text: string): CompareSelection {
  const selection: CompareSelection = { microbench: undefined, load: false };
  for (const part of text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [kind, only] = part.split(":");
    if (kind === "microbench") selection.microbench = only ? only.split("+").filter(Boolean) : [];
    else if (kind === "load" && only === undefined) selection.load = true;
    else {
      throw new HarnessError("E_USAGE", `compare: --suites has "${part}"`, {
        hint: "use microbench, microbench:<suite>+<suite>, load, or a comma list of them (lighthouse and bundle are compared by npm run load's budgets)",
        exitCode: EXIT.usage,
      });
    }
  }
  if (!selection.microbench && !selection.load) {
    throw new HarnessError("E_USAGE", "compare: --suites selects nothing", {
      hint: "e.g. --suites microbench,load",
      exitCode: EXIT.usage,
    });
  }
  return selection;
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
  /** Microbench measure (harness/config/microbench.json, --measure) and instruction settings. */
  measure?: MicrobenchMeasure;
  instructions?: InstructionSettings;
  /** Handed to the read mix's paths module (it asks only for products the app seeded). */
  env: Record<string, string | undefined>;
  /**
   * A project's own target and endpoints (perfgate.config.*): both sides start it with its
   * command. Without it the load suite is the reference app's (hot list page, seeded read mix).
   */
  target?: { start: TargetStart; endpoints: LoadEndpoint[] } | undefined;
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

/** One round: `blocks` blocks, each running base and head back to back in a seeded random order. */
export async function measureRound(
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
            ...(options.measure ? { measure: options.measure } : {}),
            ...(options.instructions ? { instructions: options.instructions } : {}),
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
            endpoints: options.target?.endpoints ?? [
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
