import { stringify } from "yaml";
import { EXIT, HarnessError } from "../schema/index.ts";

/**
 * The Kubernetes objects `perfgate distributed` hands to the k6-operator (grafana/k6-operator,
 * CRD `testruns.k6.io/v1alpha1`): a ConfigMap holding the bundled scenario and a TestRun that
 * runs it on `parallelism` runner pods. Pure: no I/O.
 */

/** perfgate's runner image (deploy/k6-operator/Dockerfile); `grafana/k6` runs the same TestRun. */
export const DEFAULT_RUNNER_IMAGE = "perfgate/k6-runner:latest";

/** Trend stats every runner exports, so the merged record has p99 and counts as `perfgate load` has. */
export const RUNNER_TREND_STATS = "avg,min,med,max,p(90),p(95),p(99),count";

/** Where runners leave their mergeable summaries: the log's last line, or a shared volume. */
export type ResultsTarget = { kind: "log" } | { kind: "volume"; claim: string; mountPath: string };

/** `log` or `volume:<claim>[:<mountPath>]` (`perfgate distributed --results`); undefined otherwise. */
export function parseResultsTarget(text: string): ResultsTarget | undefined {
  if (text === "log") return { kind: "log" };
  const [kind, claim, mountPath = "/results"] = text.split(":");
  return kind === "volume" && claim ? { kind: "volume", claim, mountPath } : undefined;
}

export interface DistributedPlan {
  /** TestRun name (a DNS label); ConfigMap `<name>-script`. */
  name: string;
  namespace: string;
  /** Scenario id, recorded as a label. */
  scenario: string;
  /** File name of the bundled script inside the ConfigMap (`<scenario>.js`). */
  scriptFile: string;
  scriptSource: string;
  parallelism: number;
  runnerImage: string;
  /** The initializer runs `k6 archive` and `k6 inspect`; the runner image has both. */
  initializerImage?: string | undefined;
  /** `-e`-style variables every runner (and the initializer) gets. */
  env: Record<string, string>;
  results: ResultsTarget;
  serviceAccountName?: string | undefined;
  /**
   * Hosts the runners may load (`--allow-host`, the TestRun's `arguments`): perfgate's runner
   * sends load only to loopback otherwise. grafana/k6 has no such flag (and no guard).
   */
  allowHosts?: readonly string[] | undefined;
}

/** ConfigMaps hold at most 1 MiB (etcd's object limit); keep room for the metadata. */
const CONFIGMAP_LIMIT = 1_000_000;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A TestRun name from a scenario id and run id: lower-case DNS label, room for `-<i>` suffixes. */
export function testRunName(scenario: string, runId: string): string {
  const clean = (text: string) => text.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
  const suffix = clean(runId)
    .replace(/^-+|-+$/g, "")
    .slice(-24);
  const head = clean(`perfgate-${scenario}`).slice(0, 63 - 8 - suffix.length - 1);
  return `${head}-${suffix}`.replace(/-+/g, "-").replace(/^-|-$/g, "");
}

function check(plan: DistributedPlan): void {
  const problems: string[] = [];
  if (!DNS_LABEL.test(plan.name) || plan.name.length > 55)
    problems.push(`name "${plan.name}": must be a DNS label of at most 55 characters`);
  if (!DNS_LABEL.test(plan.namespace))
    problems.push(`namespace "${plan.namespace}": not a DNS label`);
  if (!Number.isInteger(plan.parallelism) || plan.parallelism < 1)
    problems.push(`parallelism ${plan.parallelism}: must be a positive integer`);
  if (Buffer.byteLength(plan.scriptSource) > CONFIGMAP_LIMIT)
    problems.push(
      `script ${plan.scriptFile}: ${Buffer.byteLength(plan.scriptSource)} bytes bundled, over a ConfigMap's 1 MiB`,
    );
  // The initializer joins `arguments` into `sh -c`: a host name only, nothing a shell reads.
  for (const host of plan.allowHosts ?? [])
    if (!/^[A-Za-z0-9.:[\]-]+$/.test(host)) problems.push(`--allow-host ${host}: not a host name`);
  for (const key of Object.keys(plan.env))
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) problems.push(`env ${key}: not a variable name`);
  if (problems.length > 0) {
    throw new HarnessError("E_DISTRIBUTED_PLAN", `distributed: ${problems.join("; ")}`, {
      hint: "fix the flags named above (perfgate distributed --help)",
      exitCode: EXIT.usage,
    });
  }
}

function envList(plan: DistributedPlan, withResults: boolean) {
  const summaryOut = plan.results.kind === "log" ? "stdout" : plan.results.mountPath;
  return [
    ...Object.entries(plan.env)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value })),
    // Env, not `arguments`: the initializer joins arguments into `sh -c`, where `p(90)` is a
    // syntax error; k6 and the engine both read K6_SUMMARY_TREND_STATS.
    ...(withResults
      ? [
          { name: "K6_SUMMARY_TREND_STATS", value: RUNNER_TREND_STATS },
          { name: "PERFGATE_SUMMARY_OUT", value: summaryOut },
        ]
      : []),
  ];
}

/** The ConfigMap and TestRun objects for one distributed run. */
export function renderManifests(plan: DistributedPlan): { configMap: object; testRun: object } {
  check(plan);
  const labels = {
    "app.kubernetes.io/managed-by": "perfgate",
    "perfgate.dev/scenario": plan.scenario
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .slice(0, 63),
  };
  const configMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `${plan.name}-script`, namespace: plan.namespace, labels },
    data: { [plan.scriptFile]: plan.scriptSource },
  };
  const volume =
    plan.results.kind === "volume"
      ? {
          volumes: [
            { name: "perfgate-results", persistentVolumeClaim: { claimName: plan.results.claim } },
          ],
          volumeMounts: [{ name: "perfgate-results", mountPath: plan.results.mountPath }],
        }
      : {};
  const account = plan.serviceAccountName ? { serviceAccountName: plan.serviceAccountName } : {};
  const testRun = {
    apiVersion: "k6.io/v1alpha1",
    kind: "TestRun",
    metadata: { name: plan.name, namespace: plan.namespace, labels },
    spec: {
      parallelism: plan.parallelism,
      script: { configMap: { name: `${plan.name}-script`, file: plan.scriptFile } },
      ...(plan.allowHosts?.length
        ? { arguments: plan.allowHosts.map((host) => `--allow-host ${host}`).join(" ") }
        : {}),
      // No `cleanup: post`: the collector reads the runners' logs after the run, then deletes.
      runner: { image: plan.runnerImage, env: envList(plan, true), ...volume, ...account },
      initializer: {
        image: plan.initializerImage ?? plan.runnerImage,
        env: envList(plan, false),
        ...account,
      },
    },
  };
  return { configMap, testRun };
}

/** Both objects as one multi-document YAML, ready for `kubectl apply -f -`. */
export function manifestsYaml(manifests: { configMap: object; testRun: object }): string {
  return [manifests.configMap, manifests.testRun]
    .map((doc) => stringify(doc, { lineWidth: 0 }))
    .join("---\n");
}
