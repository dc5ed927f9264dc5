import { type ScenarioPlan, totalDurationMs } from "./options.ts";
import type { ScenarioProgress } from "./state.ts";

/** What the progress shows at one instant, summed over the engine's threads. */
export interface ProgressView {
  elapsedMs: number;
  /** VUs in an iteration now, and VUs initialised (k6's `05/50 VUs`). */
  active: number;
  initialized: number;
  scenarios: ReadonlyMap<string, ScenarioProgress>;
}

/** k6's clock text: `0m05.0s`. */
export function clock(ms: number): string {
  const tenths = Math.floor(Math.max(0, ms) / 100);
  const minutes = Math.floor(tenths / 600);
  const seconds = ((tenths % 600) / 10).toFixed(1).padStart(4, "0");
  return `${minutes}m${seconds}s`;
}

const BAR = 40;

function bar(fraction: number, tty: boolean): string {
  const f = Math.min(1, Math.max(0, fraction));
  if (!tty) return `[${String(Math.floor(f * 100)).padStart(4)}% ]`;
  const full = Math.floor(f * BAR);
  if (full >= BAR) return `[${"=".repeat(BAR)}]`;
  return `[${"=".repeat(full)}>${"-".repeat(BAR - full - 1)}]`;
}

/** One scenario's line: its bar and k6's right-hand columns for its executor. */
function scenarioLine(
  plan: ScenarioPlan,
  progress: ScenarioProgress | undefined,
  elapsedMs: number,
  width: number,
  tty: boolean,
): string {
  const done = (progress?.complete ?? 0) + (progress?.interrupted ?? 0);
  const total = totalDurationMs(plan);
  const spent = Math.min(total, Math.max(0, elapsedMs - plan.startTimeMs));
  let fraction = total > 0 ? spent / total : 1;
  let right = `${progress?.active ?? 0}/${plan.vus} VUs  ${clock(spent)}/${clock(total)}`;
  if (plan.executor === "shared-iterations" || plan.executor === "per-vu-iterations") {
    const iterations =
      plan.executor === "shared-iterations" ? plan.iterations : plan.iterations * plan.vus;
    fraction = iterations > 0 ? done / iterations : 1;
    right = `${progress?.active ?? 0}/${plan.vus} VUs  ${done}/${iterations} iters`;
  }
  return `${plan.name.padEnd(width)} ${bar(fraction, tty)} ${right}`;
}

/** The block k6 prints: the `running (…)` line and one line per scenario. */
export function renderProgress(
  plans: readonly ScenarioPlan[],
  view: ProgressView,
  tty: boolean,
): string[] {
  let complete = 0;
  let interrupted = 0;
  for (const p of view.scenarios.values()) {
    complete += p.complete;
    interrupted += p.interrupted;
  }
  const max = Math.max(view.initialized, ...plans.map((p) => p.vus));
  const digits = String(max).length;
  const vus = `${String(view.active).padStart(digits, "0")}/${String(max).padStart(digits, "0")}`;
  const width = Math.min(30, Math.max(...plans.map((p) => p.name.length)));
  return [
    `running (${clock(view.elapsedMs)}), ${vus} VUs, ${complete} complete and ${interrupted} interrupted iterations`,
    ...plans.map((plan) =>
      scenarioLine(plan, view.scenarios.get(plan.name), view.elapsedMs, width, tty),
    ),
  ];
}

/**
 * Live progress while a test runs, as k6 shows it: redrawn in place every 100 ms on a terminal,
 * plain lines every second otherwise (CI logs), and a last block when the test ends.
 */
export class LiveProgress {
  private timer: NodeJS.Timeout | undefined;
  private drawn = 0;
  private read: (() => ProgressView) | undefined;

  constructor(
    private readonly plans: readonly ScenarioPlan[],
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
  ) {}

  start(read: () => ProgressView): void {
    this.read = read;
    this.timer = setInterval(() => this.draw(), this.tty ? 100 : 1000);
    this.timer.unref();
  }

  private draw(): void {
    if (!this.read) return;
    const lines = renderProgress(this.plans, this.read(), this.tty);
    // Back over the previous block and clear it, as k6 does (`\x1b[<n>A`, `\x1b[J`).
    const back = this.tty && this.drawn > 0 ? `\x1b[${this.drawn}A\r\x1b[J` : "";
    this.write(`${back}${lines.join("\n")}\n${this.tty ? "" : "\n"}`);
    this.drawn = lines.length;
  }

  /** Draws the final state once and stops. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.draw();
    this.write("\n");
    this.read = undefined;
  }
}
