import path from "node:path";
import { requireProjectConfig } from "../../config/load.ts";
import { pickProfileName } from "../../config/parse.ts";
import { toLoadProfile } from "../../config/profile.ts";
import { BENCH_PROFILES, type BenchProfileName } from "../../pipeline/bench.ts";
import { describeCommit } from "../../pipeline/commit-run.ts";
import { runLoad } from "../../pipeline/load-run.ts";
import { SKIPPABLE_STAGES } from "../../pipeline/profiles.ts";
import type { LoadProfileConfig } from "../../schema/config.ts";
import { runExitCode } from "../../verdicts/thresholds.ts";
import type { Command } from "../command.ts";
import { bool, choice, choices, integer, pairs, parseFlags, text, texts } from "../flags.ts";
import { elapsedLogger, printRunSummary } from "../tty.ts";

const OPTIONS = {
  config: text("the config file (default: perfgate.config.{ts,mts,js,mjs,json} here)"),
  profile: text("a profile of the config (default: its defaultProfile, else the first)"),
  scenario: texts("run this k6 scenario file instead of the profile's"),
  "base-url": text("test an app that is already running at this URL"),
  "allow-host": texts("a non-loopback host the run may load (--base-url, endpoint, scenario URLs)"),
  port: integer("port of the started app (0: a free one)", [0, 65535], 0),
  "reports-dir": text("where committed runs go (default: the config's reportsDir)"),
  var: { ...pairs("a k6 variable for every scenario", "SMOKE_DURATION=3s"), short: "e" },
  "no-save": bool("keep the run in .perf/ only, not in reports/"),
  "endpoint-seconds": integer("seconds of each endpoint pass", [1, 3600]),
  skip: choices("stages to leave out", SKIPPABLE_STAGES),
  bench: choice(
    "also run the microbenchmarks into the same run record",
    Object.keys(BENCH_PROFILES) as BenchProfileName[],
  ),
  "bench-suite": texts("with --bench, only this microbench suite"),
  "bench-processes": integer("with --bench, fresh processes per case", [1, 1000]),
  "lighthouse-all-pages": bool("Lighthouse on every page of the config's lighthouse.pages"),
};

/**
 * `perfgate load`: start the app, run the profile's scenarios and endpoint passes, commit the
 * run to `reports/runs/<runId>/`, print the summary; the exit code comes from the verdicts.
 */
export const loadCommand: Command = {
  options: OPTIONS,
  help: {
    usage: "load [options]",
    examples: [
      "perfgate load",
      "perfgate load --profile full",
      "perfgate load --base-url http://127.0.0.1:3000 --skip lighthouse",
      "perfgate load --bench quick --lighthouse-all-pages",
    ],
  },
  async run(argv, io) {
    const { values } = parseFlags("load", argv, OPTIONS);
    const { config, root } = await requireProjectConfig("load", io.cwd, values.config);
    const profileName = pickProfileName(config, values.profile);
    const log = elapsedLogger("perfgate", io.err);
    const committed = await runLoad({
      config,
      root,
      profileName,
      profile: toLoadProfile(config.profiles[profileName] as LoadProfileConfig),
      overrides: {
        skip: new Set(values.skip),
        ...(values.scenario.length ? { scenarios: values.scenario } : {}),
        vars: values.var,
        endpointSeconds: values["endpoint-seconds"],
      },
      allLighthousePages: values["lighthouse-all-pages"],
      bench: values.bench && {
        profile: values.bench,
        suites: values["bench-suite"],
        processes: values["bench-processes"],
      },
      baseUrl: values["base-url"] ?? config.target.baseUrl,
      allowHosts: values["allow-host"],
      port: values.port,
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
