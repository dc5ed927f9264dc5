import { parseDuration } from "./duration.ts";
import { Problems, show } from "./option-problems.ts";
import type { Stripes } from "./segment.ts";

export type ExecutorName =
  | "shared-iterations"
  | "per-vu-iterations"
  | "constant-vus"
  | "ramping-vus"
  | "constant-arrival-rate"
  | "ramping-arrival-rate";

export interface Stage {
  durationMs: number;
  target: number;
}

/** A scenario with every option resolved (k6 defaults filled in). */
export interface ScenarioPlan {
  name: string;
  executor: ExecutorName;
  exec: string;
  env: Record<string, string>;
  tags: Record<string, string>;
  startTimeMs: number;
  gracefulStopMs: number;
  vus: number;
  iterations: number;
  durationMs: number;
  maxDurationMs: number;
  stages: Stage[];
  startVUs: number;
  gracefulRampDownMs: number;
  rate: number;
  startRate: number;
  timeUnitMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
  /**
   * Set when the plan is one execution segment's share (segment.ts): the global VU numbers
   * (ramping-vus) or iteration numbers (arrival-rate) this segment owns.
   */
  stripes?: Stripes | undefined;
}

const EXECUTORS: readonly string[] = [
  "shared-iterations",
  "per-vu-iterations",
  "constant-vus",
  "ramping-vus",
  "constant-arrival-rate",
  "ramping-arrival-rate",
];

type Raw = Record<string, unknown>;

export { show };

function stagesOf(problems: Problems, where: string, raw: unknown): Stage[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.add(where, "needs at least one stage { duration, target }");
    return [];
  }
  return raw.map((stage: Raw, i) => ({
    durationMs: problems.duration(`${where}[${i}].duration`, stage?.duration, undefined),
    target: problems.integer(`${where}[${i}].target`, stage?.target, undefined, 0),
  }));
}

function stringMap(problems: Problems, where: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.add(where, "must be an object of strings");
    return {};
  }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? v : show(v)]),
  );
}

const KNOWN_KEYS: Record<ExecutorName, string[]> = {
  "shared-iterations": ["vus", "iterations", "maxDuration"],
  "per-vu-iterations": ["vus", "iterations", "maxDuration"],
  "constant-vus": ["vus", "duration"],
  "ramping-vus": ["startVUs", "stages", "gracefulRampDown"],
  "constant-arrival-rate": ["rate", "timeUnit", "duration", "preAllocatedVUs", "maxVUs"],
  "ramping-arrival-rate": ["startRate", "timeUnit", "stages", "preAllocatedVUs", "maxVUs"],
};
const COMMON_KEYS = ["executor", "startTime", "gracefulStop", "exec", "env", "tags", "options"];

/** The scenario's executor, or undefined (with the problem recorded) when it cannot be planned. */
function executorOf(problems: Problems, where: string, raw: Raw): ExecutorName | undefined {
  const executor = raw.executor;
  if (executor === "externally-controlled") {
    problems.add(
      `${where}.executor`,
      "externally-controlled was removed in k6 v2.0.0 and is not supported; use ramping-vus",
    );
    return undefined;
  }
  if (typeof executor !== "string" || !EXECUTORS.includes(executor)) {
    problems.add(
      `${where}.executor`,
      `must be one of ${EXECUTORS.join(", ")}, got ${show(executor)}`,
    );
    return undefined;
  }
  const kind = executor as ExecutorName;
  for (const key of Object.keys(raw)) {
    if (!COMMON_KEYS.includes(key) && !KNOWN_KEYS[kind].includes(key)) {
      problems.add(
        `${where}.${key}`,
        `is not an option of ${kind} (known: ${KNOWN_KEYS[kind].join(", ")})`,
      );
    }
  }
  return kind;
}

/** The options every executor shares; executor-specific fields start at their zero value. */
function commonPlan(
  problems: Problems,
  where: string,
  name: string,
  kind: ExecutorName,
  raw: Raw,
): ScenarioPlan {
  return {
    name,
    executor: kind,
    exec: typeof raw.exec === "string" ? raw.exec : "default",
    env: stringMap(problems, `${where}.env`, raw.env),
    tags: stringMap(problems, `${where}.tags`, raw.tags),
    startTimeMs: problems.duration(`${where}.startTime`, raw.startTime, 0),
    gracefulStopMs: problems.duration(`${where}.gracefulStop`, raw.gracefulStop, 30_000),
    vus: 0,
    iterations: 0,
    durationMs: 0,
    maxDurationMs: 0,
    stages: [],
    startVUs: 0,
    gracefulRampDownMs: 0,
    rate: 0,
    startRate: 0,
    timeUnitMs: 1000,
    preAllocatedVUs: 0,
    maxVUs: 0,
  };
}

function planArrivalRate(problems: Problems, where: string, raw: Raw, plan: ScenarioPlan): void {
  plan.timeUnitMs = problems.duration(`${where}.timeUnit`, raw.timeUnit, 1000);
  if (plan.timeUnitMs <= 0) problems.add(`${where}.timeUnit`, "must be > 0");
  plan.preAllocatedVUs = problems.integer(
    `${where}.preAllocatedVUs`,
    raw.preAllocatedVUs,
    undefined,
    0,
  );
  plan.maxVUs = problems.integer(`${where}.maxVUs`, raw.maxVUs, plan.preAllocatedVUs, 0);
  if (plan.maxVUs < plan.preAllocatedVUs) {
    problems.add(
      `${where}.maxVUs`,
      `must be >= preAllocatedVUs (${plan.preAllocatedVUs}), got ${plan.maxVUs}`,
    );
  }
  if (plan.executor === "constant-arrival-rate") {
    plan.rate = problems.number(`${where}.rate`, raw.rate, undefined, 0);
    plan.durationMs = problems.duration(`${where}.duration`, raw.duration, undefined, 1000);
  } else {
    plan.startRate =
      raw.startRate === undefined ? 0 : problems.number(`${where}.startRate`, raw.startRate, 0, -1);
    plan.stages = stagesOf(problems, `${where}.stages`, raw.stages);
  }
  plan.vus = plan.maxVUs;
}

function planVuExecutor(problems: Problems, where: string, raw: Raw, plan: ScenarioPlan): void {
  const kind = plan.executor;
  if (kind === "shared-iterations" || kind === "per-vu-iterations") {
    plan.vus = problems.integer(`${where}.vus`, raw.vus, 1, 1);
    plan.iterations = problems.integer(`${where}.iterations`, raw.iterations, 1, 1);
    plan.maxDurationMs = problems.duration(`${where}.maxDuration`, raw.maxDuration, 600_000, 1000);
    if (kind === "shared-iterations" && plan.iterations < plan.vus) {
      problems.add(`${where}.iterations`, `must be >= vus (${plan.vus}), got ${plan.iterations}`);
    }
  } else if (kind === "constant-vus") {
    plan.vus = problems.integer(`${where}.vus`, raw.vus, 1, 1);
    plan.durationMs = problems.duration(`${where}.duration`, raw.duration, undefined, 1000);
  } else if (kind === "ramping-vus") {
    plan.startVUs = problems.integer(`${where}.startVUs`, raw.startVUs, 1, 0);
    plan.stages = stagesOf(problems, `${where}.stages`, raw.stages);
    plan.gracefulRampDownMs = problems.duration(
      `${where}.gracefulRampDown`,
      raw.gracefulRampDown,
      30_000,
    );
    plan.vus = Math.max(plan.startVUs, ...plan.stages.map((s) => s.target));
    if (plan.vus === 0)
      problems.add(`${where}.stages`, "startVUs or a stage target must be above 0");
  }
}

function planScenario(problems: Problems, name: string, raw: Raw): ScenarioPlan | undefined {
  const where = /^[\w-]+$/.test(name) ? `scenarios.${name}` : `scenarios[${JSON.stringify(name)}]`;
  if (!/^[0-9a-zA-Z_-]+$/.test(name))
    problems.add(where, "scenario names may only use letters, digits, _ and -");
  const kind = executorOf(problems, where, raw);
  if (kind === undefined) return undefined;
  const plan = commonPlan(problems, where, name, kind, raw);
  if (kind.endsWith("arrival-rate")) planArrivalRate(problems, where, raw, plan);
  else planVuExecutor(problems, where, raw, plan);
  return plan;
}

/**
 * k6 options (script `options` merged with CLI overrides) -> resolved scenarios, or every
 * problem at once. Shortcut derivation follows k6's execution_config_shortcuts.go.
 */
export function planScenarios(options: Raw): {
  scenarios: ScenarioPlan[];
  errors: string[];
  warnings: string[];
} {
  const problems = new Problems();
  const warnings: string[] = [];
  const has = (key: string) => options[key] !== undefined && options[key] !== null;
  const hasStages = Array.isArray(options.stages) && options.stages.length > 0;
  const hasScenarios =
    typeof options.scenarios === "object" &&
    options.scenarios !== null &&
    Object.keys(options.scenarios).length > 0;
  const shortcuts = ["iterations", "duration"].filter(has).concat(hasStages ? ["stages"] : []);
  for (const [a, b] of [
    ["iterations", "stages"],
    ["duration", "stages"],
  ] as const) {
    if (shortcuts.includes(a) && shortcuts.includes(b)) {
      problems.add(
        "options",
        `using multiple execution config shortcuts (\`${a}\` and \`${b}\`) simultaneously is not allowed`,
      );
    }
  }
  // k6 refuses a shortcut next to any `scenarios`, even an empty one (`opts.Scenarios != nil`).
  if (has("scenarios") && shortcuts.length > 0) {
    problems.add(
      "options",
      `\`${shortcuts[0]}\` cannot be combined with \`scenarios\`; move it into a scenario`,
    );
  }
  let raw: Record<string, Raw>;
  if (has("iterations")) {
    raw = {
      default: {
        executor: "shared-iterations",
        vus: options.vus ?? 1,
        iterations: options.iterations,
        ...(has("duration") ? { maxDuration: options.duration } : {}),
      },
    };
  } else if (has("duration")) {
    const ms = parseDuration(options.duration);
    if (ms !== undefined && ms <= 0) problems.add("options.duration", "must be > 0");
    raw = {
      default: { executor: "constant-vus", vus: options.vus ?? 1, duration: options.duration },
    };
  } else if (hasStages) {
    raw = {
      default: { executor: "ramping-vus", startVUs: options.vus ?? 1, stages: options.stages },
    };
  } else if (hasScenarios) {
    raw = options.scenarios as Record<string, Raw>;
  } else {
    // k6 runs 1 iteration in 1 VU and says why (execution_config_shortcuts.go).
    if (has("vus") && options.vus !== 1)
      warnings.push(
        `the \`vus=${show(options.vus)}\` option will be ignored, it only works in conjunction with \`iterations\`, \`duration\`, or \`stages\``,
      );
    if (Array.isArray(options.stages) && options.stages.length === 0)
      warnings.push(
        "`stages` was explicitly set to an empty value, running the script with 1 iteration in 1 VU",
      );
    if (has("scenarios"))
      warnings.push(
        "`scenarios` was explicitly set to an empty value, running the script with 1 iteration in 1 VU",
      );
    raw = { default: { executor: "per-vu-iterations", vus: 1, iterations: 1 } };
  }
  const scenarios: ScenarioPlan[] = [];
  for (const [name, config] of Object.entries(raw)) {
    const plan = planScenario(problems, name, config ?? {});
    if (plan) scenarios.push(plan);
  }
  return { scenarios, errors: problems.list, warnings };
}

/** Start offsets (ms) of ramping-arrival-rate iterations: where ∫r = n (k6's `cal()`). */
export function rampingArrivalStarts(
  startRate: number,
  timeUnitMs: number,
  stages: readonly Stage[],
): number[] {
  const starts: number[] = [];
  let from = startRate;
  let stageStart = 0;
  let done = 0;
  for (const stage of stages) {
    const to = stage.target;
    const d = stage.durationMs / timeUnitMs;
    const area = (d * (from + to)) / 2;
    for (let n = Math.floor(done) + 1; n <= done + area + 1e-9; n += 1) {
      const need = n - done;
      const t =
        from === to
          ? need / to
          : (from * d - Math.sqrt(d * (from * from * d + 2 * need * (to - from)))) / (from - to);
      starts.push((stageStart + t) * timeUnitMs);
    }
    done += area;
    stageStart += d;
    from = to;
  }
  return starts;
}

/** Active VU count of ramping-vus at `t` ms (raw steps; rounding toward the stage's start). */
export function rampingVusAt(startVUs: number, stages: readonly Stage[], t: number): number {
  let from = startVUs;
  let stageStart = 0;
  for (const stage of stages) {
    const end = stageStart + stage.durationMs;
    if (t < end) {
      if (stage.durationMs === 0) return stage.target;
      const progress = (t - stageStart) / stage.durationMs;
      const exact = from + (stage.target - from) * progress;
      return stage.target >= from ? Math.floor(exact + 1e-9) : Math.ceil(exact - 1e-9);
    }
    from = stage.target;
    stageStart = end;
  }
  return t < stageStart ? from : 0;
}

/** VUs initialised before the test clock starts (arrival-rate: the pre-allocated ones). */
export function plannedVus(plans: readonly ScenarioPlan[]): number {
  return plans.reduce(
    (sum, p) => sum + (p.executor.endsWith("arrival-rate") ? p.preAllocatedVUs : p.vus),
    0,
  );
}

export function totalDurationMs(plan: ScenarioPlan): number {
  switch (plan.executor) {
    case "shared-iterations":
    case "per-vu-iterations":
      return plan.maxDurationMs;
    case "ramping-vus":
    case "ramping-arrival-rate":
      return plan.stages.reduce((sum, s) => sum + s.durationMs, 0);
    default:
      return plan.durationMs;
  }
}
