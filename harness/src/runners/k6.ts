import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { EXIT, HarnessError } from "../schema/index.ts";
import { detectK6 } from "./tools.ts";

/** Which k6 runs the scenarios: the real binary when installed, else perfgate's built-in engine. */
export type K6Engine =
  | { kind: "k6"; path: string; version: string }
  | { kind: "builtin"; path: string; version: string };

/** Trend stats requested from either engine so p99 is always present. */
export const SUMMARY_TREND_STATS = "avg,min,med,max,p(90),p(95),p(99),count";

/** The `perfgate-k6` bin of `@perfgate/engine`, found from this package, not the working directory. */
export function builtinEngine(): K6Engine {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve("@perfgate/engine/package.json");
  const { version, bin } = require(manifest) as { version: string; bin: Record<string, string> };
  // A harness running from its .ts sources (a clone) starts the engine from its sources too,
  // through the engine's tsx launcher; the compiled harness starts the compiled bin.
  const entry = import.meta.url.endsWith(".ts") ? "bin/perfgate-k6.mjs" : bin["perfgate-k6"];
  return { kind: "builtin", path: path.join(path.dirname(manifest), entry as string), version };
}

/**
 * The one engine selection point. `K6_PATH` or `k6` on PATH selects the real binary;
 * `PERFGATE_ENGINE=builtin` forces the built-in engine even when k6 is installed.
 */
export async function selectK6Engine(env: NodeJS.ProcessEnv = process.env): Promise<K6Engine> {
  const builtin = builtinEngine();
  if (env.PERFGATE_ENGINE === "builtin") return builtin;
  const k6 = await detectK6(env);
  if (k6.path) return { kind: "k6", path: k6.path, version: k6.version ?? "unknown" };
  if (env.K6_PATH) {
    throw new HarnessError("E_K6_PATH", `K6_PATH=${env.K6_PATH} is not an executable file`, {
      hint: "point K6_PATH at the k6 binary, or unset it to use the built-in engine",
      exitCode: EXIT.usage,
    });
  }
  return builtin;
}

export interface K6RunOptions {
  engine: K6Engine;
  /** Scenario id (file base name) = suite id = history key. */
  scenario: string;
  /** The esbuild bundle of the scenario (see `bundleK6Script`). */
  bundle: string;
  /** `.perf/<runId>/raw/k6/<scenario>/`: bundle, summary export, histograms, stdout. */
  outDir: string;
  /** `-e` variables (BASE_URL, durations...). */
  vars: Record<string, string>;
  /** `--out json=<file>`: every sample as NDJSON (the faults stage's per-second timeline). */
  outJson?: string | undefined;
  signal?: AbortSignal;
  /** Echo the engine's live output (TTY runs). */
  echo?: (text: string) => void;
  /** Called with the engine's process id once it runs (the memory stage watches its RSS). */
  onStart?: (pid: number) => void;
}

export interface K6RunRaw {
  scenario: string;
  engine: K6Engine;
  exitCode: number;
  summaryFile: string;
  hdrFile: string | undefined;
  stdoutFile: string;
}

/** k6's codes for "the test ran and its thresholds decided" vs "the tool failed". */
const RAN_EXIT_CODES = new Set([0, 99]);
const INTERRUPTED_EXIT_CODE = 105;

/** Scenario id from its file name: `scenarios/smoke.ts` -> `smoke`. */
export function scenarioId(file: string): string {
  return path.basename(file).replace(/\.[cm]?[jt]s$/, "");
}

/**
 * Run one bundled scenario, saving the engine's own outputs unmodified. Threshold failures
 * (exit 99) are results, not errors: the adapter turns them into verdicts.
 */
export async function runK6Scenario(options: K6RunOptions): Promise<K6RunRaw> {
  const { engine, scenario, bundle, outDir, vars, signal, echo } = options;
  await mkdir(outDir, { recursive: true });
  const summaryFile = path.join(outDir, "summary-export.json");
  const hdrFile = engine.kind === "builtin" ? path.join(outDir, "hdr.json") : undefined;
  const args = [
    "run",
    "--summary-export",
    summaryFile,
    "--summary-trend-stats",
    SUMMARY_TREND_STATS,
    "--no-color",
    ...Object.entries(vars).flatMap(([key, value]) => ["-e", `${key}=${value}`]),
    ...(hdrFile ? ["--hdr-out", hdrFile] : []),
    ...(options.outJson ? ["--out", `json=${options.outJson}`] : []),
    bundle,
  ];
  // The built-in engine's bin takes k6's arguments; it runs on this Node.
  const command = engine.kind === "builtin" ? process.execPath : engine.path;
  const argv = engine.kind === "builtin" ? [engine.path, ...args] : args;
  const child = spawn(command, argv, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
  if (child.pid !== undefined) options.onStart?.(child.pid);
  let output = "";
  const collect = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    output += text;
    echo?.(text);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  // Ctrl+C: k6 itself stops on SIGINT, writes its summary and exits 105.
  const onAbort = () => child.kill("SIGINT");
  signal?.addEventListener("abort", onAbort, { once: true });
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once("error", (cause) =>
      reject(
        new HarnessError("E_K6_SPAWN", `cannot start ${command}: ${cause.message}`, {
          hint: "check K6_PATH or run `npm run doctor`",
          exitCode: EXIT.toolFailed,
          cause,
        }),
      ),
    );
    child.once("close", (code, sig) => resolve(code ?? (sig ? 128 + 2 : 1)));
  }).finally(() => signal?.removeEventListener("abort", onAbort));
  const stdoutFile = path.join(outDir, "output.txt");
  await writeFile(stdoutFile, output);
  if (!RAN_EXIT_CODES.has(exitCode) && exitCode !== INTERRUPTED_EXIT_CODE) {
    const tail = output.trim().split("\n").slice(-6).join("\n  ");
    throw new HarnessError(
      "E_K6_FAILED",
      `${scenario}: ${engine.kind === "k6" ? "k6" : "engine"} exited ${exitCode}\n  ${tail}`,
      {
        hint: `full output in ${stdoutFile}; k6 exit codes: 104 bad options, 107 script error (also setup/teardown), 108 aborted by the script`,
        exitCode: EXIT.toolFailed,
      },
    );
  }
  return { scenario, engine, exitCode, summaryFile, hdrFile, stdoutFile };
}
