import path from "node:path";
import { installGlobals } from "./globals.ts";
import { Registry } from "./metrics.ts";
import { resetJars } from "./modules/cookies.ts";
import { configureHostGuard } from "./modules/transport.ts";
import type { RunControl } from "./rest-api.ts";
import type { EngineMode } from "./script.ts";
import { type GroupNode, newGroup, setEngineState } from "./state.ts";

/** k6's exit codes (errext/exitcodes/codes.go). */
export const K6_EXIT = {
  ok: 0,
  thresholds: 99,
  setupTimeout: 100,
  teardownTimeout: 101,
  /** k6 v0.48.0 answers a stop through the REST API with its generic engine error. */
  genericEngine: 103,
  invalidConfig: 104,
  externalAbort: 105,
  scriptException: 107,
  scriptAborted: 108,
  testFailed: 110,
} as const;

export interface EngineRunOptions {
  script: string;
  /** Force a mode; by default it is detected from the script (see `detectMode`). */
  mode?: EngineMode | undefined;
  /** `-e K=V` plus the system environment (k6 includes it by default). */
  env: Record<string, string>;
  /** CLI shortcut flags; any of them replaces the script's scenarios, as in k6. */
  overrides: { vus?: number; duration?: string; iterations?: number };
  summaryExport?: string | undefined;
  outJson?: string | undefined;
  hdrOut?: string | undefined;
  trendStats?: string[] | undefined;
  noThresholds?: boolean;
  noSummary?: boolean;
  noColor?: boolean;
  /** Live progress: redrawn on a terminal, plain lines every second otherwise, or none (`--quiet`). */
  progress?: "tty" | "lines" | "off" | undefined;
  /** k6's `--execution-segment` (e.g. `0:1/2`): run only this share of every scenario. */
  executionSegment?: string | undefined;
  /** k6's `--execution-segment-sequence` (e.g. `0,1/4,1/2,1`). */
  executionSegmentSequence?: string | undefined;
  /**
   * Async-mode threads; default one per core but one (env `PERFGATE_ENGINE_THREADS`), capped
   * by the VUs. One thread is used in sync mode, with `--out json` and with an execution segment.
   */
  threads?: number | undefined;
  /** k6's `--tag k=v`: tags on every sample (under scenario tags, as in k6). */
  runTags?: Record<string, string> | undefined;
  /** Hosts besides loopback requests may go to (`--allow-host`); any other is refused. */
  allowHosts?: string[] | undefined;
  /** Sensitive names besides the built-in ones (`--redact`), redacted from every output. */
  redact?: string[] | undefined;
  /** The REST API's view of the run (`--address`, `--paused`): status, resume, stop. */
  control?: RunControl | undefined;
  signal: AbortSignal;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const USER_AGENT = "k6/0.48.0 (https://k6.io/) perfgate-engine";

/** State every phase of a run shares; aborts, the REST API and teardown may set `exitCode`. */
export interface RunContext {
  readonly options: EngineRunOptions;
  readonly registry: Registry;
  readonly rootGroup: GroupNode;
  readonly scriptDir: string;
  readonly abortController: AbortController;
  /** Detached by runEngine when the run ends normally. */
  readonly onOuterAbort: () => void;
  exitCode: number;
  setStatus(status: number): void;
}

/** The run's registry, root group and abort controller; nothing global is touched yet. */
export function startRun(options: EngineRunOptions): RunContext {
  const { control } = options;
  const registry = new Registry();
  const rootGroup = newGroup("", "");
  const abortController = new AbortController();
  const scriptDir = path.dirname(path.resolve(options.script));
  const ctx: RunContext = {
    options,
    registry,
    rootGroup,
    scriptDir,
    abortController,
    exitCode: K6_EXIT.ok,
    onOuterAbort: () => {
      ctx.exitCode = K6_EXIT.externalAbort;
      abortController.abort();
    },
    setStatus: (status) => {
      if (control) control.status = status;
    },
  };
  return ctx;
}

/** Installs the run's engine state; the script's init code needs it, so it runs before compiling. */
export function installRunState(ctx: RunContext): void {
  const { options, registry, rootGroup, scriptDir, abortController } = ctx;
  const { stderr } = options;
  options.signal.addEventListener("abort", ctx.onOuterAbort, { once: true });
  setEngineState({
    registry,
    env: options.env,
    scriptDir,
    rootGroup,
    startedAt: Date.now(),
    userAgent: USER_AGENT,
    log: (line) => stderr(`${line}\n`),
    abort: (reason, code) => {
      stderr(`test aborted: ${reason}\n`);
      if (code === K6_EXIT.testFailed) {
        ctx.exitCode = code;
        return;
      }
      ctx.exitCode = code;
      abortController.abort();
    },
  });
  installGlobals(options.env, scriptDir);
  resetJars();
  configureHostGuard(options.allowHosts ?? []);
}
