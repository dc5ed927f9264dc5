import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { EXIT, HarnessError, redactorFor } from "../schema/index.ts";
import { spawnWatched } from "./child-watchdog.ts";
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
  /** Stop the engine when its init has not finished (no progress line) after this long. */
  initTimeoutMs?: number | undefined;
  /** Wait after SIGINT (and after SIGTERM) before the next signal. */
  graceMs?: number | undefined;
  /** Called with the engine's process id once it runs (the memory stage watches its RSS). */
  onStart?: (pid: number) => void;
  /** Hosts besides loopback the scenario may load (`--allow-host`); the engine refuses others. */
  allowHosts?: readonly string[] | undefined;
  /** The config's extra sensitive names (`redact`), redacted from every raw file. */
  redact?: readonly string[] | undefined;
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

/** The engine's refusal of a scenario's non-loopback URL (engine/src/modules/host-guard.ts). */
const HOST_REFUSED = /request to (\S+) refused: load goes only to loopback[^\n]*/;

/** k6's own output files, redacted in place (the built-in engine writes them redacted). */
async function redactFiles(
  files: readonly (string | undefined)[],
  redact: (text: string) => string,
): Promise<void> {
  for (const file of files) {
    if (!file) continue;
    const text = await readFile(file, "utf8").catch(() => undefined);
    if (text !== undefined) await writeFile(file, redact(text));
  }
}

/** Scenario id from its file name: `scenarios/smoke.ts` -> `smoke`. */
export function scenarioId(file: string): string {
  return path.basename(file).replace(/\.[cm]?[jt]s$/, "");
}

/** k6's arguments for one scenario (the built-in engine takes the same, plus its own flags). */
function k6Args(options: K6RunOptions, summaryFile: string, hdrFile: string | undefined): string[] {
  const { engine, bundle, vars } = options;
  return [
    "run",
    "--summary-export",
    summaryFile,
    "--summary-trend-stats",
    SUMMARY_TREND_STATS,
    "--no-color",
    ...Object.entries(vars).flatMap(([key, value]) => ["-e", `${key}=${value}`]),
    ...(hdrFile ? ["--hdr-out", hdrFile] : []),
    ...(options.outJson ? ["--out", `json=${options.outJson}`] : []),
    // perfgate's own flags: the built-in engine refuses non-loopback hosts and redacts its
    // outputs itself; k6 has neither (its raw files are redacted here after it exits).
    ...(engine.kind === "builtin"
      ? [
          ...(options.allowHosts ?? []).flatMap((host) => ["--allow-host", host]),
          ...(options.redact ?? []).flatMap((name) => ["--redact", name]),
        ]
      : []),
    bundle,
  ];
}

/**
 * Run one bundled scenario, saving the engine's own outputs unmodified. Threshold failures
 * (exit 99) are results, not errors: the adapter turns them into verdicts.
 */
export async function runK6Scenario(options: K6RunOptions): Promise<K6RunRaw> {
  const { engine, scenario, outDir, signal, echo } = options;
  await mkdir(outDir, { recursive: true });
  const summaryFile = path.join(outDir, "summary-export.json");
  const hdrFile = engine.kind === "builtin" ? path.join(outDir, "hdr.json") : undefined;
  const args = k6Args(options, summaryFile, hdrFile);
  const { text: redact } = redactorFor(options.redact);
  // The built-in engine's bin takes k6's arguments; it runs on this Node.
  const command = engine.kind === "builtin" ? process.execPath : engine.path;
  const argv = engine.kind === "builtin" ? [engine.path, ...args] : args;
  // Its own process group: a terminal's Ctrl+C reaches the harness only, which sends SIGINT once
  // (k6 stops, writes its summary and exits 105); one that does not stop gets SIGTERM, then
  // SIGKILL (issue 22 H2, H4); the guardian ends it if the harness dies (H6).
  const watched = spawnWatched(
    command,
    argv,
    { stdio: ["ignore", "pipe", "pipe"], env: process.env },
    { signal, stopSignal: "SIGINT", graceMs: options.graceMs ?? 15_000 },
  );
  const { child } = watched;
  if (child.pid !== undefined) options.onStart?.(child.pid);
  let output = "";
  // k6 prints its progress ("running (…)") once init is done; a script whose init never
  // returns is stopped after `initTimeoutMs` instead of hanging the run.
  const initTimeoutMs = options.initTimeoutMs ?? 120_000;
  let initDone = false;
  const initTimer = setTimeout(() => void watched.stop("timeout"), initTimeoutMs);
  const collect = (chunk: Buffer) => {
    const text = redact(chunk.toString("utf8"));
    output += text;
    if (!initDone && /^running \(/m.test(output)) {
      initDone = true;
      clearTimeout(initTimer);
    }
    echo?.(text);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exit = await watched.exited;
  clearTimeout(initTimer);
  if (exit.error) {
    throw new HarnessError("E_K6_SPAWN", `cannot start ${command}: ${exit.error.message}`, {
      hint: "check K6_PATH or run `npm run doctor`",
      exitCode: EXIT.toolFailed,
      cause: exit.error,
    });
  }
  if (exit.timedOut) {
    throw new HarnessError(
      "E_K6_INIT_TIMEOUT",
      `${scenario}: the script's init did not finish within ${initTimeoutMs / 1000} s; the engine was stopped`,
      {
        hint: "look for a loop or a blocking call at the top level of the scenario (init code runs once per VU before any iteration)",
        exitCode: EXIT.toolFailed,
      },
    );
  }
  const exitCode =
    exit.code ?? 128 + (exit.signal === "SIGKILL" ? 9 : exit.signal === "SIGTERM" ? 15 : 2);
  if (signal?.aborted && exitCode !== INTERRUPTED_EXIT_CODE && !RAN_EXIT_CODES.has(exitCode)) {
    await writeFile(path.join(outDir, "output.txt"), output);
    throw new HarnessError(
      "E_INTERRUPTED",
      `${scenario}: interrupted; the engine ended (${exit.signal ?? exitCode}) before it wrote a summary`,
      { exitCode: EXIT.interrupted },
    );
  }
  const stdoutFile = path.join(outDir, "output.txt");
  await writeFile(stdoutFile, output);
  if (engine.kind === "k6") await redactFiles([summaryFile, options.outJson], redact);
  const refused = HOST_REFUSED.exec(output);
  if (refused) {
    throw new HarnessError("E_HOST_REFUSED", `${scenario}: ${refused[0]}`, {
      hint: `load goes only to 127.0.0.1/[::1] unless the host is allowed: perfgate load --allow-host ${refused[1]}`,
      exitCode: EXIT.usage,
    });
  }
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
