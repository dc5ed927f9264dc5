import path from "node:path";
import { runDistributedRecord } from "../../pipeline/distributed.ts";
import { DEFAULT_RUNNER_IMAGE, parseResultsTarget } from "../../runners/k6-operator-manifests.ts";
import { EXIT, HarnessError } from "../../schema/index.ts";
import { runExitCode } from "../../verdicts/thresholds.ts";
import {
  durationFlag,
  elapsedLogger,
  integerFlag,
  keyValueFlag,
  parseCommandArgs,
} from "../args.ts";
import type { Command } from "../command.ts";
import { printRunSummary } from "../tty.ts";

const OPTIONS = {
  parallelism: { type: "string", short: "n" },
  namespace: { type: "string", default: "default" },
  name: { type: "string" },
  image: { type: "string", default: DEFAULT_RUNNER_IMAGE },
  "initializer-image": { type: "string" },
  "service-account": { type: "string" },
  env: { type: "string", short: "e", multiple: true },
  results: { type: "string", default: "log" },
  "results-dir": { type: "string" },
  timeout: { type: "string", default: "30m" },
  "render-only": { type: "boolean" },
  "collect-only": { type: "boolean" },
  keep: { type: "boolean" },
  "allow-host": { type: "string", multiple: true },
} as const;

function usage(message: string, hint: string): HarnessError {
  return new HarnessError("E_USAGE", `distributed: ${message}`, { hint, exitCode: EXIT.usage });
}

/**
 * `perfgate distributed <scenario.ts> --parallelism n`: the scenario on the k6-operator, its
 * runners' summaries merged exactly into one run record with thresholds judged on the merged data.
 */
export const distributedCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "distributed <scenario.ts> --parallelism n [options]",
    flags: {
      parallelism: "runner pods (the TestRun's parallelism), each running its execution segment",
      namespace: "Kubernetes namespace of the TestRun and its ConfigMap",
      name: "TestRun name (default: from the scenario's file name)",
      image: "runner image (deploy/k6-operator/Dockerfile, or grafana/k6)",
      "initializer-image": "initializer image (default: the runner image)",
      "service-account": "service account of the runner pods",
      env: "K=V passed to every runner as -e (repeatable)",
      results:
        "where runners leave their mergeable summaries: log, or volume:<claim>[:<mountPath>]",
      "results-dir": "with --results volume: the local copy of the volume to collect from",
      timeout: "how long to wait for the TestRun (e.g. 30m)",
      "render-only": "print the TestRun and ConfigMap and stop (no kubectl)",
      "collect-only": "collect and merge the runners' summaries of a TestRun that already ran",
      keep: "keep the TestRun and ConfigMap after collecting",
      "allow-host":
        "a host the runners may load (perfgate's runner image sends load only to loopback otherwise; repeatable)",
    },
    examples: [
      "perfgate distributed scenarios/browse.ts --parallelism 4 --render-only",
      "perfgate distributed scenarios/browse.ts --parallelism 4 --namespace load",
    ],
  },
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("distributed", argv, OPTIONS);
    if (positionals.length !== 1 || values.parallelism === undefined)
      throw usage(
        "expected one scenario and --parallelism",
        "perfgate distributed scenarios/browse.ts --parallelism 4",
      );
    const script = path.resolve(io.cwd, positionals[0] as string);
    const scenario = path.basename(script).replace(/\.[cm]?[jt]s$/, "");
    const parallelism = integerFlag("distributed", "parallelism", values.parallelism, 1, 1000);
    const results = parseResultsTarget(values.results);
    if (!results)
      throw usage(
        `--results "${values.results}" is neither log nor volume:<claim>`,
        "e.g. --results volume:perfgate-results",
      );
    if (results.kind === "volume" && !values["render-only"] && !values["results-dir"])
      throw usage(
        "--results volume:… needs --results-dir (where that volume is mounted for perfgate)",
        "runners write their summaries to the volume, not to their logs; or --render-only",
      );
    const log = elapsedLogger("perfgate distributed", io.err);
    const outcome = await runDistributedRecord(io.cwd, io.env, {
      script,
      scenario,
      plan: {
        name: values.name,
        namespace: values.namespace,
        parallelism,
        runnerImage: values.image,
        initializerImage: values["initializer-image"],
        env: keyValueFlag("distributed", "env", values.env ?? [], "BASE_URL=http://app:3000"),
        results,
        serviceAccountName: values["service-account"],
        allowHosts: values["allow-host"] ?? [],
      },
      renderOnly: values["render-only"] ?? false,
      collectOnly: values["collect-only"] ?? false,
      resultsDir: values["results-dir"] && path.resolve(io.cwd, values["results-dir"]),
      keep: values.keep ?? false,
      timeoutMs: durationFlag("distributed", "timeout", values.timeout),
      kubectl: { bin: io.env.KUBECTL ?? "kubectl", env: io.env, signal: io.signal },
      log,
    });
    if (outcome.kind === "rendered") {
      io.out(`${path.relative(io.cwd, outcome.manifests)}\n`);
      return EXIT.ok;
    }
    log(`wrote ${path.relative(io.cwd, outcome.file)} (${parallelism} runners merged)`);
    printRunSummary(io, outcome.run);
    return runExitCode(outcome.run);
  },
};
