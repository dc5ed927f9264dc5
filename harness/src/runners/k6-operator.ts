import { spawn } from "node:child_process";
import { setTimeout as delay } from "node:timers/promises";
import { EXIT, HarnessError } from "../schema/index.ts";
import type { RunnerOutput } from "./distributed-collect.ts";

/**
 * The cluster side of `perfgate distributed`, through `kubectl` (its kubeconfig and context):
 * check that a cluster with the k6-operator answers, apply the manifests, wait for the TestRun,
 * read the runners' logs, delete what was applied.
 */

export interface Kubectl {
  /** `kubectl` binary (env KUBECTL, else on PATH). */
  bin: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl; a missing binary is answered with a clear error, not a spawn trace. */
export function kubectl(k: Kubectl, args: string[], input?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(k.bin, args, {
      env: k.env,
      signal: k.signal,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        reject(
          new HarnessError("E_NO_KUBECTL", `distributed: kubectl not found (${k.bin})`, {
            hint: "install kubectl and point it at the cluster (KUBECONFIG), or set KUBECTL; `--render-only` writes the manifests without a cluster",
            exitCode: EXIT.toolFailed,
          }),
        );
      } else reject(error);
    });
    child.once("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    // A kubectl that exits before reading its input answers with its exit code; the broken pipe
    // of the write adds nothing (and unheard, it would crash the process).
    child.stdin.on("error", () => {});
    child.stdin.end(input ?? "");
  });
}

function lastLine(text: string): string {
  return text.trim().split("\n").filter(Boolean).slice(-1)[0] ?? "";
}

/** A cluster that answers, with the k6-operator's TestRun CRD installed; else a clear error. */
export async function checkCluster(k: Kubectl): Promise<void> {
  const crd = await kubectl(k, [
    "get",
    "crd",
    "testruns.k6.io",
    "-o",
    "name",
    "--request-timeout=10s",
  ]);
  if (crd.code === 0) return;
  const reason = lastLine(crd.stderr);
  // Reading CRDs is cluster-scoped; an identity limited to its namespace may not, and apply
  // will still say so if the operator is missing.
  if (/forbidden/i.test(reason)) return;
  if (/NotFound|not found/i.test(reason)) {
    throw new HarnessError(
      "E_NO_K6_OPERATOR",
      "distributed: the cluster has no k6-operator (CRD testruns.k6.io is not installed)",
      {
        hint: "install grafana/k6-operator (its bundle.yaml or Helm chart), then retry; docs/distributed.md",
        exitCode: EXIT.toolFailed,
      },
    );
  }
  throw new HarnessError(
    "E_NO_CLUSTER",
    `distributed: no Kubernetes cluster reachable: ${reason}`,
    {
      hint: "check `kubectl cluster-info` (KUBECONFIG, context); `--render-only` writes the manifests without a cluster",
      exitCode: EXIT.toolFailed,
    },
  );
}

async function must(k: Kubectl, args: string[], input?: string): Promise<string> {
  const result = await kubectl(k, args, input);
  if (result.code !== 0) {
    throw new HarnessError(
      "E_KUBECTL",
      `distributed: kubectl ${args.slice(0, 2).join(" ")} failed: ${lastLine(result.stderr)}`,
      { hint: "the RBAC the collector needs is in docs/distributed.md", exitCode: EXIT.toolFailed },
    );
  }
  return result.stdout;
}

export async function applyManifests(k: Kubectl, yaml: string): Promise<void> {
  await must(k, ["apply", "-f", "-"], yaml);
}

/** Stages a TestRun ends in (the operator's `.status.stage`). */
const FINAL_STAGES = new Set(["finished", "error"]);

/** Polls `.status.stage` until the TestRun has finished (or errored), within `timeoutMs`. */
export async function waitForTestRun(
  k: Kubectl,
  target: { name: string; namespace: string },
  timeoutMs: number,
  log: (line: string) => void,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const stage = (
      await must(k, [
        "get",
        "testrun",
        target.name,
        "-n",
        target.namespace,
        "-o",
        "jsonpath={.status.stage}",
      ])
    ).trim();
    if (stage !== last) log(`TestRun ${target.name}: ${stage || "(no stage yet)"}`);
    last = stage;
    if (FINAL_STAGES.has(stage)) return stage;
    await delay(2000, undefined, { signal: k.signal });
  }
  throw new HarnessError(
    "E_DISTRIBUTED_TIMEOUT",
    `distributed: TestRun ${target.name} did not finish in ${Math.round(timeoutMs / 1000)} s (stage "${last}")`,
    {
      hint: "raise --timeout, or look at it: kubectl describe testrun -n <ns> <name>",
      exitCode: EXIT.toolFailed,
    },
  );
}

/**
 * The runner pods' logs (label `k6_cr=<name>,runner=true`, container `k6`). The summary is the
 * last line; a few lines are read in case the runtime adds one after it.
 */
export async function runnerLogs(
  k: Kubectl,
  target: { name: string; namespace: string },
): Promise<RunnerOutput[]> {
  const pods = (
    await must(k, [
      "get",
      "pods",
      "-n",
      target.namespace,
      "-l",
      `k6_cr=${target.name},runner=true`,
      "-o",
      "jsonpath={.items[*].metadata.name}",
    ])
  )
    .split(/\s+/)
    .filter(Boolean);
  return Promise.all(
    pods.map(async (pod) => ({
      source: `pod/${pod}`,
      text: await must(k, ["logs", "-n", target.namespace, pod, "-c", "k6", "--tail=20"]),
    })),
  );
}

/** Deletes the TestRun (its jobs and pods go with it) and the script's ConfigMap. */
export async function deleteTestRun(
  k: Kubectl,
  target: { name: string; namespace: string },
): Promise<void> {
  await kubectl(k, [
    "delete",
    "testrun",
    target.name,
    "-n",
    target.namespace,
    "--ignore-not-found",
  ]);
  await kubectl(k, [
    "delete",
    "configmap",
    `${target.name}-script`,
    "-n",
    target.namespace,
    "--ignore-not-found",
  ]);
}
