import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import {
  EXIT,
  HarnessError,
  type QualityWarning,
  type Suite,
  type Verdict,
} from "../schema/index.ts";
import {
  collectRunnerSummaries,
  distributedSuite,
  type RunnerOutput,
} from "./distributed-collect.ts";
import { builtinEngine } from "./k6.ts";
import { bundleK6Script } from "./k6-bundle.ts";
import {
  applyManifests,
  checkCluster,
  deleteTestRun,
  type Kubectl,
  runnerLogs,
  waitForTestRun,
} from "./k6-operator.ts";
import {
  type DistributedPlan,
  manifestsYaml,
  type ResultsTarget,
  renderManifests,
} from "./k6-operator-manifests.ts";

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
