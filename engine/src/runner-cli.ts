import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { isArchive, openArchive, writeArchive } from "./archive.ts";
import { type EngineIo, EngineUsageError } from "./cli-io.ts";
import { executionRequirements, loadScriptOptions } from "./inspect.ts";
import { RunControl, startRestApi } from "./rest-api.ts";
import { type EngineRunOptions, K6_EXIT, runEngine } from "./run.ts";
import { ScriptError } from "./script.ts";
import { formatSummaryLine } from "./summary-line.ts";

/** k6's exit code when its REST API cannot listen (errext/exitcodes). */
const CANNOT_START_REST_API = 106;

const ARCHIVE_USAGE =
  "perfgate-k6 archive <script> [-O archive.tar] [-e K=V] [--vus N] [--duration 30s] [--iterations N]";
const INSPECT_USAGE = "perfgate-k6 inspect [--execution-requirements] <script|archive.tar>";

/** `-e K=V` pairs as an object; `flag` names the command in the error. */
export function envPairs(pairs: readonly string[], command: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new EngineUsageError(`${command}: -e ${pair}: expected KEY=VALUE`, "");
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/** `--tag k=v` pairs (k6's run tags). */
export function tagPairs(pairs: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0)
      throw new EngineUsageError(`run: --tag ${pair}: expected NAME=VALUE`, "--tag instance_id=0");
    tags[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return tags;
}

function withOverrides(options: Record<string, unknown>, values: Record<string, unknown>) {
  const out = { ...options };
  const keys = ["vus", "duration", "iterations"].filter((k) => values[k] !== undefined);
  if (keys.length === 0) return out;
  // A shortcut flag replaces the script's scenarios, as in `k6 run`.
  delete out.scenarios;
  delete out.stages;
  for (const key of keys) {
    const text = String(values[key]);
    out[key] = key === "duration" ? text : Number(text);
  }
  return out;
}

/** `archive <script> -O <tar>`: the script bundled, with its options and `-e` variables. */
export async function runArchive(
  argv: string[],
  io: EngineIo,
  runOptions: CommandOptions,
): Promise<number> {
  // `k6 archive` takes every `run` flag: the operator passes the TestRun's arguments to both.
  const { values, positionals } = parseCommand("archive", ARCHIVE_USAGE, argv, {
    ...runOptions,
    "archive-out": { type: "string", short: "O" },
  }) as { values: Record<string, unknown>; positionals: string[] };
  if (positionals.length !== 1)
    throw new EngineUsageError(`archive: expected one script`, ARCHIVE_USAGE);
  const script = path.resolve(io.cwd, positionals[0] as string);
  const env = envPairs((values.env as string[] | undefined) ?? [], "archive");
  const out = path.resolve(io.cwd, (values["archive-out"] as string | undefined) ?? "archive.tar");
  try {
    const options = withOverrides(await loadScriptOptions(script, env), values);
    await writeArchive({ script, out, env, options });
  } catch (error) {
    io.err(`level=error msg="${(error as Error).message}"\n`);
    return K6_EXIT.scriptException;
  }
  return K6_EXIT.ok;
}

/** `inspect [--execution-requirements] <script|tar>`: pure JSON on stdout (the operator parses it). */
export async function runInspect(argv: string[], io: EngineIo): Promise<number> {
  const { values, positionals } = parseCommand("inspect", INSPECT_USAGE, argv, {
    "execution-requirements": { type: "boolean" },
  });
  if (positionals.length !== 1)
    throw new EngineUsageError("inspect: expected one script or archive", INSPECT_USAGE);
  const target = path.resolve(io.cwd, positionals[0] as string);
  let options: Record<string, unknown>;
  try {
    if (await isArchive(target)) {
      const opened = await openArchive(target);
      options = opened.metadata.options ?? (await loadScriptOptions(opened.script, opened.env));
      await rm(opened.dir, { recursive: true, force: true });
    } else options = await loadScriptOptions(target, {});
  } catch (error) {
    io.err(`level=error msg="${(error as Error).message}"\n`);
    return K6_EXIT.scriptException;
  }
  const { requirements, errors } = executionRequirements(options);
  if (!requirements) {
    io.err(`level=error msg="invalid options: ${errors.join("; ")}"\n`);
    return K6_EXIT.invalidConfig;
  }
  if (!values["execution-requirements"]) {
    delete requirements.totalDuration;
    delete requirements.maxVUs;
  }
  io.out(`${JSON.stringify(requirements, null, 2)}\n`);
  return K6_EXIT.ok;
}

type CommandOptions = NonNullable<ParseArgsConfig["options"]>;

function parseCommand<T extends CommandOptions>(
  command: string,
  usage: string,
  argv: string[],
  options: T,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new EngineUsageError(`${command}: ${(cause as Error).message}`, usage);
  }
}

/** The runner-protocol flags of `run` (k6-operator): REST API, pause, run tags, `-e` pairs. */
export interface RunnerFlags {
  address?: string | undefined;
  paused?: boolean | undefined;
  tags?: string[] | undefined;
  cliEnv: string[];
}

/**
 * Where the mergeable summary goes (env `PERFGATE_SUMMARY_OUT`): `stdout` (the log's last line)
 * or a folder (a shared volume; one `<testrun>-<instance>.json` per runner). An env variable,
 * not a flag, so the same TestRun also runs on the stock k6 image, which ignores it.
 */
async function leaveSummary(
  target: string,
  files: { summary: string; hdr: string },
  tags: Record<string, string>,
  exitCode: number,
  io: EngineIo,
): Promise<void> {
  const line = formatSummaryLine({
    instanceId: tags.instance_id,
    testrunName: tags.testrun_name,
    exitCode,
    summary: JSON.parse(await readFile(files.summary, "utf8")),
    histograms: JSON.parse(await readFile(files.hdr, "utf8")),
  });
  if (target === "stdout") {
    io.out(`${line}\n`);
    return;
  }
  const dir = path.resolve(io.cwd, target);
  await mkdir(dir, { recursive: true });
  const name = `${tags.testrun_name ?? "run"}-${tags.instance_id ?? process.pid}.json`;
  await writeFile(path.join(dir, name), `${line}\n`);
}

/**
 * `run` with the k6-operator's runner protocol around the engine: an archive is unpacked, the
 * REST API listens on `--address` (also when only `--paused` is given, on k6's default
 * localhost:6565), `--tag`s reach every sample, and the mergeable summary is left behind.
 */
export async function runAsRunner(
  options: EngineRunOptions,
  flags: RunnerFlags,
  io: EngineIo,
): Promise<number> {
  const runTags = tagPairs(flags.tags ?? []);
  const run: EngineRunOptions = { ...options, runTags };
  // k6 reads its options from K6_* variables too; the k6-operator's TestRuns set this one.
  run.trendStats ??= io.env.K6_SUMMARY_TREND_STATS?.split(",").map((s) => s.trim());
  const cleanup: string[] = [];
  let api: Awaited<ReturnType<typeof startRestApi>> | undefined;
  try {
    if (await isArchive(path.resolve(io.cwd, options.script))) {
      const opened = await openArchive(path.resolve(io.cwd, options.script)).catch((e) => {
        if (e instanceof ScriptError) throw new EngineUsageError(`run: ${e.message}`, "");
        throw e;
      });
      cleanup.push(opened.dir);
      run.script = opened.script;
      run.env = { ...options.env, ...opened.env, ...envPairs(flags.cliEnv, "run") };
      const archived = opened.metadata.options ?? {};
      if (Object.keys(options.overrides).length === 0) {
        run.overrides = Object.fromEntries(
          ["vus", "duration", "iterations"]
            .filter((k) => archived[k] !== undefined && archived[k] !== null)
            .map((k) => [k, archived[k]]),
        );
      }
    }
    const summaryOut = io.env.PERFGATE_SUMMARY_OUT;
    if (summaryOut && (!run.summaryExport || !run.hdrOut)) {
      const tmp = await mkdtemp(path.join(os.tmpdir(), "perfgate-runner-"));
      cleanup.push(tmp);
      run.summaryExport ??= path.join(tmp, "summary-export.json");
      run.hdrOut ??= path.join(tmp, "hdr.json");
    }
    const address = flags.address ?? (flags.paused ? "localhost:6565" : undefined);
    if (address !== undefined && address !== "") {
      run.control = new RunControl({ paused: flags.paused ?? false });
      try {
        api = await startRestApi(address, run.control);
      } catch (error) {
        io.err(
          `level=error msg="cannot start the REST API on ${address}: ${(error as Error).message}"\n`,
        );
        return CANNOT_START_REST_API;
      }
    }
    const code = await runEngine(run);
    if (summaryOut && run.summaryExport && run.hdrOut) {
      // A run that failed before its end wrote no summary; the collector reports it missing.
      await leaveSummary(
        summaryOut,
        { summary: run.summaryExport, hdr: run.hdrOut },
        runTags,
        code,
        io,
      ).catch((error: Error) =>
        io.err(`level=error msg="no mergeable summary: ${error.message}"\n`),
      );
    }
    return code;
  } finally {
    await api?.close();
    await Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}
