import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { type EngineIo, EngineUsageError } from "./cli-io.ts";
import { type InstanceSummary, mergeSummaries } from "./merge.ts";
import { redactorFor } from "./redact.ts";
import { redactProcessOutput } from "./redact-stdio.ts";
import { type EngineRunOptions, K6_EXIT } from "./run.ts";
import { runArchive, runAsRunner, runInspect } from "./runner-cli.ts";
import { executionTuple } from "./segment.ts";

// In their own module so runner-cli.ts can use them without an import cycle.
export { type EngineIo, EngineUsageError };

const RUN_USAGE =
  "perfgate-k6 run [--vus N] [--duration 30s] [--iterations N] [-e K=V] [--summary-export f.json] [--out json=f.ndjson] [--execution-segment 0:1/2 --execution-segment-sequence 0,1/2,1] [--allow-host host] [--redact name] <script.ts|js>";
const MERGE_USAGE = "perfgate-k6 merge <dir> <dir>... --out <dir>";
const OPERATOR_USAGE =
  "perfgate-k6 run ... [--address host:port] [--paused] [--tag k=v]; perfgate-k6 archive <script> -O <tar>; perfgate-k6 inspect --execution-requirements <tar>";

const RUN_OPTIONS = {
  "summary-export": { type: "string" },
  out: { type: "string", short: "o", multiple: true },
  "summary-trend-stats": { type: "string" },
  env: { type: "string", short: "e", multiple: true },
  vus: { type: "string", short: "u" },
  duration: { type: "string", short: "d" },
  iterations: { type: "string", short: "i" },
  "hdr-out": { type: "string" },
  "no-thresholds": { type: "boolean" },
  "no-summary": { type: "boolean" },
  "no-color": { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  "include-system-env-vars": { type: "string" },
  "execution-segment": { type: "string" },
  "execution-segment-sequence": { type: "string" },
  // The k6-operator's runner protocol (runner-cli.ts).
  address: { type: "string", short: "a" },
  paused: { type: "boolean", short: "p" },
  tag: { type: "string", multiple: true },
  // perfgate's own: load leaves loopback only for these hosts; secrets under these names too.
  "allow-host": { type: "string", multiple: true },
  redact: { type: "string", multiple: true },
} as const;

type Options = NonNullable<ParseArgsConfig["options"]>;

function parse<T extends Options>(command: string, usage: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new EngineUsageError(`${command}: ${(cause as Error).message}`, usage);
  }
}

function positiveInt(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new EngineUsageError(
      `run: --${name} must be a positive integer, got "${text}"`,
      RUN_USAGE,
    );
  }
  return value;
}

/** Replace a file in one step, so a reader never sees half of it. */
async function writeWhole(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

async function readInstance(dir: string, cwd: string): Promise<InstanceSummary> {
  const read = async (name: string) => {
    try {
      return JSON.parse(await readFile(path.resolve(cwd, dir, name), "utf8"));
    } catch (cause) {
      throw new EngineUsageError(
        `merge: ${path.join(dir, name)}: cannot read (${(cause as Error).message})`,
        "each input is a folder holding summary-export.json and hdr.json (`run --summary-export ... --hdr-out ...`)",
      );
    }
  };
  const summary: unknown = await read("summary-export.json");
  const histograms: unknown = await read("hdr.json");
  // A summary of another tool (or a truncated one) has no `metrics` object: say so, not a TypeError.
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  if (!isObject(summary) || !isObject(summary.metrics)) {
    throw new EngineUsageError(
      `merge: ${path.join(dir, "summary-export.json")}: no "metrics" object (not a --summary-export file)`,
      "each input is a folder holding summary-export.json and hdr.json (`run --summary-export ... --hdr-out ...`)",
    );
  }
  if (!isObject(histograms)) {
    throw new EngineUsageError(
      `merge: ${path.join(dir, "hdr.json")}: not an object of histograms (not an --hdr-out file)`,
      "each input is a folder holding summary-export.json and hdr.json (`run --summary-export ... --hdr-out ...`)",
    );
  }
  return { summary, histograms } as InstanceSummary;
}

/** `merge <dir>... --out <dir>`: exact merge of several engine instances' summaries. */
async function runMerge(argv: string[], io: EngineIo): Promise<number> {
  const { values, positionals } = parse("merge", MERGE_USAGE, argv, { out: { type: "string" } });
  if (positionals.length < 2 || !values.out) {
    throw new EngineUsageError(
      "merge: expected two or more input folders and --out <folder>",
      MERGE_USAGE,
    );
  }
  const merged = mergeSummaries(
    await Promise.all(positionals.map((dir) => readInstance(dir, io.cwd))),
  );
  const out = path.resolve(io.cwd, values.out);
  await writeWhole(
    path.join(out, "summary-export.json"),
    `${JSON.stringify(merged.summary, null, 4)}\n`,
  );
  await writeWhole(path.join(out, "hdr.json"), `${JSON.stringify(merged.histograms)}\n`);
  io.out(
    `merged ${positionals.length} summaries into ${values.out}/{summary-export.json,hdr.json}\n`,
  );
  return K6_EXIT.ok;
}

function runVars(values: { env?: string[]; "include-system-env-vars"?: string }, io: EngineIo) {
  const vars: Record<string, string> = {};
  if (values["include-system-env-vars"] !== "false") {
    for (const [key, value] of Object.entries(io.env)) if (value !== undefined) vars[key] = value;
  }
  for (const pair of values.env ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new EngineUsageError(`run: -e ${pair}: expected KEY=VALUE`, RUN_USAGE);
    vars[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return vars;
}

/**
 * `PERFGATE_ENGINE_MODE=sync` runs a blocking-style script on a thread per VU instead of
 * compiling it to async (to compare the two, or as a way out); unset or `auto` chooses.
 */
function modeFromEnv(value: string | undefined): "sync" | undefined {
  if (value === undefined || value === "" || value === "auto") return undefined;
  if (value === "sync") return "sync";
  throw new EngineUsageError(
    `PERFGATE_ENGINE_MODE=${value}: expected "auto" or "sync"`,
    "unset it to let the engine choose",
  );
}

/** `run <script>`: k6's `run` on the built-in engine, with k6's flags and exit codes. */
async function runRun(argv: string[], io: EngineIo): Promise<number> {
  const { values, positionals } = parse("run", RUN_USAGE, argv, RUN_OPTIONS);
  if (positionals.length !== 1) {
    throw new EngineUsageError(`run: expected one script, got ${positionals.length}`, RUN_USAGE);
  }
  let outJson: string | undefined;
  for (const out of values.out ?? []) {
    if (!out.startsWith("json=")) {
      throw new EngineUsageError(
        `run: --out ${out}: only json=<file> is supported by the built-in engine`,
        RUN_USAGE,
      );
    }
    outJson = out.slice("json=".length);
  }
  const segment = values["execution-segment"];
  const sequence = values["execution-segment-sequence"];
  try {
    executionTuple(segment, sequence);
  } catch (error) {
    throw new EngineUsageError(`run: ${(error as Error).message}`, RUN_USAGE);
  }
  const runner = {
    address: values.address,
    paused: values.paused,
    tags: values.tag,
    cliEnv: values.env ?? [],
  };
  const progress: EngineRunOptions["progress"] = values.quiet
    ? "off"
    : io.stdoutIsTTY
      ? "tty"
      : "lines";
  const options = {
    script: positionals[0] as string,
    mode: modeFromEnv(io.env.PERFGATE_ENGINE_MODE),
    executionSegment: segment,
    executionSegmentSequence: sequence,
    env: runVars(values, io),
    overrides: {
      ...(values.vus !== undefined ? { vus: positiveInt("vus", values.vus) } : {}),
      ...(values.duration !== undefined ? { duration: values.duration } : {}),
      ...(values.iterations !== undefined
        ? { iterations: positiveInt("iterations", values.iterations) }
        : {}),
    },
    summaryExport: values["summary-export"],
    outJson,
    allowHosts: values["allow-host"] ?? [],
    redact: values.redact ?? [],
    hdrOut: values["hdr-out"],
    trendStats: values["summary-trend-stats"]
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    noThresholds: values["no-thresholds"] ?? false,
    noSummary: values["no-summary"] ?? false,
    noColor: values["no-color"] ?? false,
    signal: io.signal,
    // k6's --quiet hides the progress only; the summary still prints (--no-summary hides it).
    progress,
    stdout: io.out,
    stderr: io.err,
  };
  const restore = redactProcessOutput(redactorFor(options.redact));
  try {
    return await runAsRunner(options, runner, io);
  } finally {
    restore();
  }
}

export const ENGINE_HELP = `perfgate-k6: perfgate's built-in k6-compatible engine

usage:
  ${RUN_USAGE}
  ${MERGE_USAGE}
  ${OPERATOR_USAGE}

Requests go only to loopback (127.0.0.0/8, [::1], localhost) unless the host is passed with
--allow-host <host> (repeatable); a request to any other host stops the test before it
connects (exit 104). Secrets (token=, api_key=, user:password@, Authorization, Cookie, …;
--redact <name> adds names) are redacted from the terminal, --out json and the summaries.

Exit codes are k6's: 0 ok, 99 thresholds crossed, 100/101 setup/teardown timeout,
103 stopped through the REST API, 104 bad options (a host not allowed with --allow-host, or VUs over
PERFGATE_ENGINE_MEMORY_MB),
105 interrupted, 106 REST API cannot listen, 107 script error (init, setup or teardown
threw, or a VU ran out of memory), 108 aborted by the script, 110 test failed, 255 an
output file cannot be written; 130/143 SIGINT/SIGTERM during init.
`;

/**
 * The engine's command line, k6's shape: `run` and `merge`. Returns k6's exit code; a usage
 * error is printed with its hint and answered with 104.
 */
export async function engineCli(argv: string[], io: EngineIo): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === "run") return await runRun(rest, io);
    if (sub === "merge") return await runMerge(rest, io);
    if (sub === "archive") return await runArchive(rest, io, RUN_OPTIONS);
    if (sub === "inspect") return await runInspect(rest, io);
    if (sub === "--help" || sub === "-h" || sub === "help") {
      io.out(ENGINE_HELP);
      return K6_EXIT.ok;
    }
    throw new EngineUsageError(
      `expected "run", "merge", "archive" or "inspect", got ${sub === undefined ? "nothing" : `"${sub}"`}`,
      `${RUN_USAGE}\n  ${MERGE_USAGE}`,
    );
  } catch (error) {
    if (!(error instanceof EngineUsageError)) throw error;
    io.err(`error: ${error.message}\n  usage: ${error.hint}\n`);
    return error.exitCode;
  }
}
