import path from "node:path";
import { runDistributedRecord } from "../../pipeline/distributed.ts";
import { DEFAULT_RUNNER_IMAGE, parseResultsTarget } from "../../runners/k6-operator-manifests.ts";
import { EXIT } from "../../schema/index.ts";
import { runExitCode } from "../../verdicts/thresholds.ts";
import type { Command } from "../command.ts";
import { bool, duration, integer, pairs, parseFlags, text, texts, usageError } from "../flags.ts";
import { elapsedLogger, printRunSummary } from "../tty.ts";

const OPTIONS = {
  parallelism: {
    ...integer("runner pods (the TestRun's parallelism), each its execution segment", [1, 1000]),
    short: "n",
  },
  namespace: text("Kubernetes namespace of the TestRun and its ConfigMap", "default"),
  name: text("TestRun name (default: from the scenario's file name)"),
  image: text("runner image (deploy/k6-operator/Dockerfile, or grafana/k6)", DEFAULT_RUNNER_IMAGE),
  "initializer-image": text("initializer image (default: the runner image)"),
  "service-account": text("service account of the runner pods"),
  env: { ...pairs("passed to every runner as -e", "BASE_URL=http://app:3000"), short: "e" },
  results: text(
    "where runners leave their mergeable summaries: log, or volume:<claim>[:<mountPath>]",
    "log",
  ),
  "results-dir": text("with --results volume: the local copy of the volume to collect from"),
  timeout: duration("how long to wait for the TestRun", "30m"),
  "render-only": bool("print the TestRun and ConfigMap and stop (no kubectl)"),
  "collect-only": bool("collect and merge the runners' summaries of a TestRun that already ran"),
  keep: bool("keep the TestRun and ConfigMap after collecting"),
  "allow-host": texts("a host the runners may load (perfgate's runner image: loopback otherwise)"),
};

const usage = (message: string, hint: string) => usageError(`distributed: ${message}`, hint);

/**
 * `perfgate distributed <scenario.ts> --parallelism n`: the scenario on the k6-operator, its
 * runners' summaries merged exactly into one run record with thresholds judged on the merged data.
 */
export const distributedCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "distributed <scenario.ts> --parallelism n [options]",
    examples: [
      "perfgate distributed scenarios/browse.ts --parallelism 4 --render-only",
      "perfgate distributed scenarios/browse.ts --parallelism 4 --namespace load",
    ],
  },
  async run(argv, io) {
    const { values, positionals } = parseFlags("distributed", argv, OPTIONS);
    const { parallelism } = values;
    if (positionals.length !== 1 || parallelism === undefined)
      throw usage(
        "expected one scenario and --parallelism",
        "perfgate distributed scenarios/browse.ts --parallelism 4",
      );
    const script = path.resolve(io.cwd, positionals[0] as string);
    const scenario = path.basename(script).replace(/\.[cm]?[jt]s$/, "");
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
        env: values.env,
        results,
        serviceAccountName: values["service-account"],
        allowHosts: values["allow-host"],
      },
      renderOnly: values["render-only"],
      collectOnly: values["collect-only"],
      resultsDir: values["results-dir"] && path.resolve(io.cwd, values["results-dir"]),
      keep: values.keep,
      timeoutMs: values.timeout,
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
