import { AsyncLocalStorage } from "node:async_hooks";
import type { HttpOptions } from "./http-options.ts";
import type { Registry, Tags } from "./metrics.ts";

/** What one VU is doing right now; found through AsyncLocalStorage, since many VUs share a thread. */
export interface VuContext {
  /** 1-based VU id in the test; 0 in setup/teardown. */
  vu: number;
  /** Iterations this VU has started, 0-based. */
  iter: number;
  scenario: string;
  iterationInScenario: number;
  /** `::a::b` for nested groups; "" at the root. */
  groupPath: string;
  /** Scenario-level tags added to every sample. */
  tags: Tags;
  /** Sleep requested without `await` inside an async iteration; served before the next iteration. */
  pendingSleepMs: number;
  /** The scenario's executor, for `k6/execution`. */
  executor?: string | undefined;
  /** `__ENV` with the scenario's `env` merged in; unset when the scenario has none. */
  env?: Record<string, string> | undefined;
}

export interface CheckCount {
  name: string;
  path: string;
  passes: number;
  fails: number;
}

export interface GroupNode {
  name: string;
  path: string;
  groups: Map<string, GroupNode>;
  checks: Map<string, CheckCount>;
}

/** The engine state the k6 module shims write into. One engine run per process. */
export interface EngineState {
  registry: Registry;
  env: Record<string, string>;
  scriptDir: string;
  rootGroup: GroupNode;
  startedAt: number;
  /** Set by `exec.test.abort()` or an abortOnFail threshold; stops every executor. */
  abort: (reason: string, exitCode: number) => void;
  userAgent: string;
  /** The run's k6/http options (defaults when unset). */
  http?: HttpOptions | undefined;
  /** Prints one of k6's log lines (`level=warning msg="Request Failed" …`) to stderr. */
  log?: ((line: string) => void) | undefined;
}

/** A k6 logfmt line: `level=warning msg="Request Failed" error="…"`, quoted as Go's logrus does. */
export function logLine(level: string, msg: string, fields: Record<string, string> = {}): string {
  const quote = (text: string) => JSON.stringify(text);
  const rest = Object.entries(fields).map(([k, v]) => ` ${k}=${quote(v)}`);
  return `level=${level} msg=${quote(msg)}${rest.join("")}`;
}

/** Logs a k6 line through the run's logger; without one (a unit test), to stderr. */
export function engineLog(level: string, msg: string, fields?: Record<string, string>): void {
  const line = logLine(level, msg, fields);
  const log = current?.log;
  if (log) log(line);
  else process.stderr.write(`${line}\n`);
}

export const vuStorage = new AsyncLocalStorage<VuContext>();

let current: EngineState | undefined;
/**
 * Scenarios whose running iterations were cut off at their hard stop, and single iterations
 * (`scenario#n`) cut off by a graceful ramp-down (this thread).
 */
const interrupted = new Set<string>();

/** Each scenario's hard stop (regular end + gracefulStop), epoch ms, for the loop guard. */
const deadlines = new Map<string, number>();

/** What the live progress shows of one scenario on this thread. */
export interface ScenarioProgress {
  /** VUs in an iteration now. */
  active: number;
  complete: number;
  /** Iterations a hard stop or a ramp-down cut off (k6's "interrupted iterations"). */
  interrupted: number;
}

/** Progress of each scenario this thread runs, by name. */
export const scenarioProgress = new Map<string, ScenarioProgress>();

export function progressOf(scenario: string): ScenarioProgress {
  let progress = scenarioProgress.get(scenario);
  if (!progress) {
    progress = { active: 0, complete: 0, interrupted: 0 };
    scenarioProgress.set(scenario, progress);
  }
  return progress;
}

export function setEngineState(state: EngineState): void {
  current = state;
  interrupted.clear();
  deadlines.clear();
  scenarioProgress.clear();
}

/** Epoch ms, so VU threads (their own `performance` clock) read the same instant. */
export const epochNow = () => performance.timeOrigin + performance.now();

export function setScenarioDeadline(scenario: string, epochMs: number): void {
  deadlines.set(scenario, epochMs);
}

export function scenarioDeadline(scenario: string): number | undefined {
  return deadlines.get(scenario);
}

/**
 * Marks a scenario's still-running iterations as interrupted (gracefulStop expired or abort):
 * as in k6 they add no iteration metrics, and their next `sleep()` ends them.
 */
export function interruptScenario(scenario: string): void {
  interrupted.add(scenario);
}

/** Interrupts one iteration (number `n` of the scenario), e.g. after gracefulRampDown. */
export function interruptIteration(scenario: string, n: number): void {
  interrupted.add(`${scenario}#${n}`);
}

export function isInterrupted(scenario: string, n?: number): boolean {
  return (
    interrupted.size > 0 &&
    (interrupted.has(scenario) || (n !== undefined && interrupted.has(`${scenario}#${n}`)))
  );
}

export function engineState(): EngineState {
  if (!current) throw new Error("k6 modules can only be used inside a perfgate engine run");
  return current;
}

export function currentVu(): VuContext | undefined {
  return vuStorage.getStore();
}

export function newGroup(name: string, path: string): GroupNode {
  return { name, path, groups: new Map(), checks: new Map() };
}

/** Tags every sample of the current VU carries: scenario and group, plus scenario tags. */
export function sampleTags(extra?: Tags): Tags {
  const vu = currentVu();
  return {
    ...(vu?.tags ?? {}),
    ...(vu ? { scenario: vu.scenario, group: vu.groupPath } : { group: "" }),
    ...(extra ?? {}),
  };
}
