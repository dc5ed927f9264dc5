import path from "node:path";
import { findConfigFile, loadConfig } from "../../config/load.ts";
import { pickProfileName } from "../../config/parse.ts";
import { toLoadProfile } from "../../config/profile.ts";
import { fitRunBudget } from "../../history/run-budget.ts";
import { readRuns, writeRun, writeScratchRun } from "../../history/run-store.ts";
import { runLoadPipeline } from "../../pipeline/load.ts";
import type { LoadProfile } from "../../pipeline/profiles.ts";
import {
  addMicrobench,
  positiveCount,
  withAllLighthousePages,
} from "../../pipeline/record-suites.ts";
import { writeTrendPages } from "../../pipeline/trend-pages.ts";
import { renderMarkdown } from "../../render/markdown.ts";
import { renderTerminal } from "../../render/terminal.ts";
import { buildRunReport, lastMainRun } from "../../report/index.ts";
import type { LoadProfileConfig } from "../../schema/config.ts";
import { EXIT, HarnessError } from "../../schema/index.ts";
import { hasFailingVerdict } from "../../verdicts/thresholds.ts";
import { parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { useColor } from "../tty.ts";

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

const SKIPPABLE = ["bundle", "k6", "memory", "faults", "endpoints", "lighthouse"] as const;

/** `-e KEY=VALUE` pairs, as k6 takes them; a malformed pair is a usage error naming it. */
function parseVars(pairs: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      throw new HarnessError("E_USAGE", `load: --var "${pair}" is not KEY=VALUE`, {
        hint: "e.g. --var SMOKE_DURATION=3s",
        exitCode: EXIT.usage,
      });
    }
    vars[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return vars;
}

type LoadValues = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>["values"];

/** The configured profile as this invocation's flags change it, the port and the skipped stages. */
function profileFromFlags(base: LoadProfile, values: LoadValues) {
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new HarnessError("E_USAGE", `load: --port "${values.port}" is not a port number`, {
      hint: "use 0 (a free port, the default) or 1-65535",
      exitCode: EXIT.usage,
    });
  }
  const skip = new Set((values.skip ?? []).flatMap((s) => s.split(",")).map((s) => s.trim()));
  for (const stage of skip) {
    if (!(SKIPPABLE as readonly string[]).includes(stage)) {
      throw new HarnessError(
        "E_USAGE",
        `load: --skip "${stage}" is not a stage that can be skipped`,
        {
          hint: `use ${SKIPPABLE.join(" or ")}`,
          exitCode: EXIT.usage,
        },
      );
    }
  }
  const seconds = values["endpoint-seconds"];
  const endpointSeconds = seconds === undefined ? undefined : Number(seconds);
  if (
    endpointSeconds !== undefined &&
    (!Number.isInteger(endpointSeconds) || endpointSeconds < 1 || endpointSeconds > 3600)
  ) {
    throw new HarnessError("E_USAGE", `load: --endpoint-seconds "${seconds}" is not 1-3600`, {
      hint: "e.g. --endpoint-seconds 2 for short autocannon passes",
      exitCode: EXIT.usage,
    });
  }
  const profile: LoadProfile = {
    ...base,
    scenarios: skip.has("k6") ? [] : (values.scenario ?? base.scenarios),
    vars: { ...base.vars, ...parseVars(values.var ?? []) },
    endpoints: skip.has("endpoints")
      ? []
      : base.endpoints.map((e) =>
          endpointSeconds ? { ...e, durationSeconds: endpointSeconds } : e,
        ),
  };
  if (skip.has("lighthouse")) delete profile.lighthouse;
  if (skip.has("memory")) delete profile.memory;
  if (skip.has("faults")) delete profile.faults;
  return { profile, port, skip };
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
      "allow-host": "a non-loopback host --base-url may point at",
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
    const configFile = values.config ?? findConfigFile(io.cwd);
    if (!configFile) {
      throw new HarnessError("E_NO_CONFIG", `load: no perfgate.config.ts in ${io.cwd}`, {
        hint: "run `npx perfgate init` to write one, or pass --config <file>",
        exitCode: EXIT.usage,
      });
    }
    const { config, root } = await loadConfig(path.resolve(io.cwd, configFile));
    const profileName = pickProfileName(config, values.profile);
    const flagged = profileFromFlags(
      toLoadProfile(config.profiles[profileName] as LoadProfileConfig),
      values,
    );
    const { port, skip } = flagged;
    const profile = values["lighthouse-all-pages"]
      ? withAllLighthousePages(flagged.profile, config.lighthouse)
      : flagged.profile;
    const baseUrl = values["base-url"] ?? config.target.baseUrl;
    const started = Date.now();
    const log = (line: string) =>
      io.err(`[perfgate ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
    const { run: loaded } = await runLoadPipeline({
      root,
      profileName,
      profile,
      perfDir: path.join(root, ".perf"),
      baseUrl,
      start: baseUrl ? undefined : config.target.start,
      bundle: config.bundle,
      // memory is two stages: the sampler during the scenarios and the verdict after them.
      skip: new Set(
        [...skip].flatMap((s) => (s === "memory" ? ["memory-sampling", "memory"] : [s])),
      ),
      lighthouse: config.lighthouse,
      allowHosts: values["allow-host"] ?? [],
      port,
      env: io.env,
      signal: io.signal,
      log,
    });
    const measured = values.bench
      ? await addMicrobench(loaded, {
          root,
          profile: values.bench,
          include: config.microbench?.include,
          suites: values["bench-suite"],
          processes: positiveCount(values["bench-processes"], "--bench-processes"),
          signal: io.signal,
          log,
          env: io.env,
        })
      : loaded;
    // Trimmed before the report is rendered, so report.md says what the stored record lacks.
    const run = fitRunBudget(measured);
    const reportsDir = values["reports-dir"]
      ? path.resolve(io.cwd, values["reports-dir"])
      : path.resolve(root, config.reportsDir);
    // The headline compares with the last main run of this profile in the committed history.
    const baseline = lastMainRun((await readRuns(reportsDir)).runs, run);
    const model = buildRunReport(run, baseline ? { baseline } : {});
    const scratch = await writeScratchRun(path.join(root, ".perf"), run);
    if (run.status === "complete" && !values["no-save"]) {
      const dir = await writeRun(reportsDir, run, renderMarkdown(model));
      log(`wrote ${path.relative(io.cwd, dir)}/{run.json,report.md}`);
      await writeTrendPages(reportsDir);
      log(
        `refreshed ${path.relative(io.cwd, reportsDir) || "."}/TRENDS.md, charts/ and index.html`,
      );
    } else {
      log(
        `kept ${path.relative(io.cwd, scratch)} (${run.status === "complete" ? "--no-save" : run.status}; not committed to reports/)`,
      );
    }
    io.out(renderTerminal(model, { color: useColor(io.env, process.stdout.isTTY) }));
    if (run.status === "interrupted") return EXIT.interrupted;
    if (hasFailingVerdict(run.verdicts)) return EXIT.verdictFailed;
    if (run.suites.some((suite) => suite.status === "errored")) return EXIT.toolFailed;
    return EXIT.ok;
  },
};
