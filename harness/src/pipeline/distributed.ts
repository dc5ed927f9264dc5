import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { normalizeK6Summary } from "../adapters/k6.ts";
import { writeScratchRun } from "../history/run-store.ts";
import {
  type CollectedRun,
  collectRunnerSummaries,
  type RunnerOutput,
} from "../runners/distributed-collect.ts";
import { builtinEngine } from "../runners/k6.ts";
import { bundleK6Script } from "../runners/k6-bundle.ts";
import {
  applyManifests,
  checkCluster,
  deleteTestRun,
  type Kubectl,
  runnerLogs,
  waitForTestRun,
} from "../runners/k6-operator.ts";
import {
  type DistributedPlan,
  manifestsYaml,
  type ResultsTarget,
  renderManifests,
  testRunName,
} from "../runners/k6-operator-manifests.ts";
import {
  EXIT,
  HarnessError,
  type QualityWarning,
  type RunResult,
  type Suite,
  type Verdict,
} from "../schema/index.ts";
import { judgeK6Thresholds } from "../verdicts/thresholds.ts";
import { beginRunRecord } from "./run-record.ts";

export interface DistributedInput {
  script: string;
  scenario: string;
  /** Where the bundle and manifests are written (`.perf/<runId>/distributed`). */
  workDir: string;
  plan: Omit<DistributedPlan, "scriptFile" | "scriptSource" | "scenario">;
  renderOnly: boolean;
  /** Skip apply and wait: collect a TestRun applied by someone else (GitOps, a second shell). */
  collectOnly: boolean;
  /** The shared volume, mounted here: runners' `<name>-<i>.json` files instead of pod logs. */
  resultsDir?: string | undefined;
  keep: boolean;
  timeoutMs: number;
  kubectl: Kubectl;
  log: (line: string) => void;
}

export type DistributedOutcome =
  | { kind: "rendered"; manifests: string }
  | {
      kind: "collected";
      manifests: string;
      suite: Suite;
      verdicts: Verdict[];
      warnings: QualityWarning[];
    };

/**
 * What the k6-operator's initializer will check, checked first here: the engine's
 * `inspect --execution-requirements` on the bundle (maxVUs ≥ parallelism, or the operator
 * refuses the TestRun after its initializer ran).
 */
async function checkRequirements(bundle: string, parallelism: number): Promise<string> {
  const engine = builtinEngine();
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(process.execPath, [
      engine.path,
      "inspect",
      "--execution-requirements",
      bundle,
    ]));
  } catch (cause) {
    throw new HarnessError("E_SCRIPT_OPTIONS", `distributed: ${bundle}: inspect failed`, {
      hint: `${(cause as { stderr?: string }).stderr ?? String(cause)}`.trim(),
      exitCode: EXIT.usage,
      cause,
    });
  }
  const { maxVUs, totalDuration } = JSON.parse(stdout) as { maxVUs: number; totalDuration: string };
  if (maxVUs < parallelism) {
    throw new HarnessError(
      "E_DISTRIBUTED_PARALLELISM",
      `distributed: --parallelism ${parallelism} is more than the scenario's ${maxVUs} VUs`,
      {
        hint: "the k6-operator refuses a TestRun whose runners would get no VU; lower --parallelism",
        exitCode: EXIT.usage,
      },
    );
  }
  return totalDuration;
}

async function resultFiles(dir: string, name: string): Promise<RunnerOutput[]> {
  const files = (await readdir(dir)).filter((f) => f.startsWith(`${name}-`) && f.endsWith(".json"));
  return Promise.all(
    files.sort().map(async (file) => ({
      source: path.join(dir, file),
      text: await readFile(path.join(dir, file), "utf8"),
    })),
  );
}

/**
 * `perfgate distributed`: bundle the scenario, render the TestRun + ConfigMap, and (given a
 * cluster) apply them, wait, collect the runners' summaries, merge exactly and judge thresholds
 * on the merged data.
 */
export async function runDistributed(input: DistributedInput): Promise<DistributedOutcome> {
  const { log, plan } = input;
  await mkdir(input.workDir, { recursive: true });
  const scriptFile = `${input.scenario}.js`;
  const bundle = await bundleK6Script(input.script, path.join(input.workDir, scriptFile));
  const totalDuration = await checkRequirements(bundle, plan.parallelism);
  const full: DistributedPlan = {
    ...plan,
    scenario: input.scenario,
    scriptFile,
    scriptSource: await readFile(bundle, "utf8"),
  };
  const manifests = path.join(input.workDir, "manifests.yaml");
  await writeFile(manifests, manifestsYaml(renderManifests(full)));
  log(
    `rendered TestRun ${plan.name} (parallelism ${plan.parallelism}, ${totalDuration} planned) to ${manifests}`,
  );
  if (input.renderOnly) return { kind: "rendered", manifests };

  const target = { name: plan.name, namespace: plan.namespace };
  if (!input.collectOnly) {
    await checkCluster(input.kubectl);
    await applyManifests(input.kubectl, await readFile(manifests, "utf8"));
    log(`applied to namespace ${plan.namespace}; waiting for the runners`);
    const stage = await waitForTestRun(input.kubectl, target, input.timeoutMs, log);
    if (stage === "error")
      log(`TestRun ${plan.name} ended in stage "error"; collecting what the runners left`);
  }
  const outputs = input.resultsDir
    ? await resultFiles(input.resultsDir, plan.name)
    : await runnerLogs(input.kubectl, target);
  const collected = collectRunnerSummaries(outputs, plan.parallelism);
  if (!input.keep && !input.collectOnly) await deleteTestRun(input.kubectl, target);
  const results: ResultsTarget = plan.results;
  const merged = distributedSuite({
    collected,
    scenario: input.scenario,
    tool: { name: "k6-operator", version: plan.runnerImage },
    source: `TestRun ${plan.name}`,
    meta: { parallelism: plan.parallelism, testrun: plan.name, results: results.kind },
  });
  return { kind: "collected", manifests, ...merged };
}

/** `runDistributed` as a run record: what the command passes, less what the record decides. */
export type DistributedRunInput = Omit<DistributedInput, "workDir" | "plan"> & {
  plan: Omit<DistributedInput["plan"], "name"> & { name?: string | undefined };
};

/**
 * `perfgate distributed` as a run: the record is named after the parallelism, the TestRun after
 * the scenario and the run id (unless named), and the merged run is kept in `.perf/`.
 */
export async function runDistributedRecord(
  root: string,
  env: NodeJS.ProcessEnv,
  input: DistributedRunInput,
): Promise<
  { kind: "rendered"; manifests: string } | { kind: "run"; run: RunResult; file: string }
> {
  const { plan } = input;
  const record = await beginRunRecord(
    root,
    `distributed-${plan.parallelism}`,
    { "k6-runner-image": plan.runnerImage },
    env,
  );
  const outcome = await runDistributed({
    ...input,
    workDir: path.join(root, ".perf", record.runId, "distributed"),
    plan: { ...plan, name: plan.name ?? testRunName(input.scenario, record.runId) },
  });
  if (outcome.kind === "rendered") return outcome;
  const run = record.finish({
    suites: [outcome.suite],
    verdicts: outcome.verdicts,
    warnings: outcome.warnings,
  });
  return { kind: "run", run, file: await writeScratchRun(path.join(root, ".perf"), run) };
}

/** Runner exit codes that still count as a whole run: ok, and thresholds crossed on one share. */
const COMPLETE_CODES = new Set([0, 99]);

/**
 * The merged run as one `load` suite with its threshold verdicts (judged on the merged data)
 * and warnings. Pure.
 */
export function distributedSuite(input: {
  collected: CollectedRun;
  scenario: string;
  tool: { name: string; version: string };
  source: string;
  meta: Record<string, string | number | boolean>;
}): { suite: Suite; verdicts: Verdict[]; warnings: QualityWarning[] } {
  const { collected, scenario } = input;
  const normalized = normalizeK6Summary({
    scenario,
    summaryExport: collected.merged.summary,
    hdr: collected.merged.histograms,
    tool: input.tool,
    source: input.source,
    meta: { ...input.meta, runners: collected.runners.length },
  });
  const warnings = [...normalized.warnings];
  const broken = collected.runners.filter((r) => !COMPLETE_CODES.has(r.exitCode));
  let suite = normalized.suite;
  if (broken.length > 0) {
    suite = { ...suite, status: "interrupted" };
    warnings.push({
      code: "interrupted",
      suite: scenario,
      message: `runner${broken.length > 1 ? "s" : ""} ${broken.map((r) => `${r.instanceId} (exit ${r.exitCode})`).join(", ")} did not finish normally (103: stopped through the REST API, 105: interrupted); the merged data covers what they ran`,
    });
  }
  return { suite, verdicts: judgeK6Thresholds(scenario, collected.thresholds), warnings };
}
