import path from "node:path";
import { requireProjectConfig } from "../../config/load.ts";
import { pickProfileName } from "../../config/parse.ts";
import { toLoadProfile } from "../../config/profile.ts";
import { BENCH_PROFILES, type BenchProfileName } from "../../pipeline/bench.ts";
import { describeCommit } from "../../pipeline/commit-run.ts";
import { runLoad } from "../../pipeline/load-run.ts";
import { type ProfileOverrides, SKIPPABLE_STAGES } from "../../pipeline/profiles.ts";
import type { LoadProfileConfig } from "../../schema/config.ts";
import { runExitCode } from "../../verdicts/thresholds.ts";
import {
  choiceFlag,
  choicesFlag,
  elapsedLogger,
  integerFlag,
  keyValueFlag,
  parseCommandArgs,
} from "../args.ts";
import type { Command } from "../command.ts";
import { printRunSummary } from "../tty.ts";

const OPTIONS = {
  config: { type: "string" },
  profile: { type: "string" },
  scenario: { type: "string", multiple: true },
  "base-url": { type: "string" },
  "allow-host": { type: "string", multiple: true },
  port: { type: "string", default: "0" },
  "reports-dir": { type: "string" },
  var: { type: "string", short: "e", multiple: true },
  "no-save": { type: "boolean", default: false },
  "endpoint-seconds": { type: "string" },
  skip: { type: "string", multiple: true },
  bench: { type: "string" },
  "bench-suite": { type: "string", multiple: true },
  "bench-processes": { type: "string" },
  "lighthouse-all-pages": { type: "boolean", default: false },
} as const;

type LoadValues = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>["values"];

function overridesFromFlags(values: LoadValues): ProfileOverrides {
  const seconds = values["endpoint-seconds"];
  return {
    skip: new Set(choicesFlag("load", "skip", values.skip ?? [], SKIPPABLE_STAGES)),
    ...(values.scenario ? { scenarios: values.scenario } : {}),
    vars: keyValueFlag("load", "var", values.var ?? [], "SMOKE_DURATION=3s"),
    ...(seconds === undefined
      ? {}
      : { endpointSeconds: integerFlag("load", "endpoint-seconds", seconds, 1, 3600) }),
  };
}

/** `--bench quick|full` (with its suites and processes): microbenchmarks in the same record. */
function benchFromFlags(values: LoadValues) {
  if (values.bench === undefined) return undefined;
  const profiles = Object.keys(BENCH_PROFILES) as BenchProfileName[];
  const processes = values["bench-processes"];
  return {
    profile: choiceFlag("load", "bench", values.bench, profiles),
    suites: values["bench-suite"],
    ...(processes ? { processes: integerFlag("load", "bench-processes", processes, 1, 1000) } : {}),
  };
}

/**
 * `perfgate load`: start the app, run the profile's scenarios and endpoint passes, commit the
 * run to `reports/runs/<runId>/`, print the summary; the exit code comes from the verdicts.
 */
export const loadCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "load [options]",
    flags: {
      config: "the config file (default: perfgate.config.{ts,mts,js,mjs,json} here)",
      profile: "a profile of the config (default: its defaultProfile, else the first)",
      scenario: "run this k6 scenario file instead of the profile's",
      "base-url": "test an app that is already running at this URL",
      "allow-host": "a non-loopback host the run may load (--base-url, endpoint and scenario URLs)",
      port: "port of the started app (0: a free one)",
      "reports-dir": "where committed runs go (default: the config's reportsDir)",
      var: "a k6 variable KEY=VALUE for every scenario",
      "no-save": "keep the run in .perf/ only, not in reports/",
      "endpoint-seconds": "seconds of each endpoint pass",
      skip: "stages to leave out: bundle, k6, memory, faults, endpoints, lighthouse",
      bench: "also run the microbenchmarks (quick or full) into the same run record",
      "bench-suite": "with --bench, only this microbench suite",
      "bench-processes": "with --bench, fresh processes per case (default: the bench profile's)",
      "lighthouse-all-pages": "Lighthouse on every page of the config's lighthouse.pages",
    },
    examples: [
      "perfgate load",
      "perfgate load --profile full",
      "perfgate load --base-url http://127.0.0.1:3000 --skip lighthouse",
      "perfgate load --bench quick --lighthouse-all-pages",
    ],
  },
  async run(argv, io) {
    const { values } = parseCommandArgs("load", argv, OPTIONS);
    const { config, root } = await requireProjectConfig("load", io.cwd, values.config);
    const profileName = pickProfileName(config, values.profile);
    const baseUrl = values["base-url"] ?? config.target.baseUrl;
    const log = elapsedLogger("perfgate", io.err);
    const committed = await runLoad({
      config,
      root,
      profileName,
      profile: toLoadProfile(config.profiles[profileName] as LoadProfileConfig),
      overrides: overridesFromFlags(values),
      allLighthousePages: values["lighthouse-all-pages"],
      bench: benchFromFlags(values),
      baseUrl,
      allowHosts: values["allow-host"] ?? [],
      port: integerFlag("load", "port", values.port, 0, 65535),
      reportsDir: path.resolve(
        ...(values["reports-dir"] ? [io.cwd, values["reports-dir"]] : [root, config.reportsDir]),
      ),
      save: !values["no-save"],
      env: io.env,
      signal: io.signal,
      log,
    });
    log(describeCommit(committed, io.cwd));
    printRunSummary(io, committed.model, config.redact);
    return runExitCode(committed.run);
  },
};
