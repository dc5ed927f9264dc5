import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { EXIT, HarnessError } from "../schema/index.ts";

/**
 * The one guardian of the harness's child processes (issue 22 H6). A tiny detached Node process
 * reads process groups to watch from a pipe (`+<pgid> <SIGNAL>` / `-<pgid>`); when the pipe
 * closes without the harness releasing them (SIGKILL, a crash, a second Ctrl+C's exit) it sends
 * each group its stop signal, then SIGKILL after 3 s. It ignores the terminal's signals: it
 * must outlive the harness to do its one job.
 */
const GUARDIAN = `
const groups = new Map();
for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, () => {});
let buffer = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  buffer += chunk;
  for (let i = buffer.indexOf("\\n"); i >= 0; i = buffer.indexOf("\\n")) {
    const [id, signal] = buffer.slice(1, i).split(" ");
    if (buffer[0] === "+") groups.set(Number(id), signal || "SIGTERM");
    else groups.delete(Number(id));
    buffer = buffer.slice(i + 1);
  }
});
const kill = (pgid, signal) => { try { process.kill(-pgid, signal); } catch {} };
process.stdin.on("close", () => {
  for (const [pgid, signal] of groups) kill(pgid, signal);
  setTimeout(() => {
    for (const pgid of groups.keys()) kill(pgid, "SIGKILL");
    process.exit(0);
  }, groups.size > 0 ? 3000 : 0);
});
`;

let guardian: ChildProcess | undefined;

function startGuardian(): ChildProcess | undefined {
  if (process.platform === "win32") return undefined;
  if (guardian?.stdin?.writable) return guardian;
  const child = spawn(process.execPath, ["-e", GUARDIAN], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
  });
  child.on("error", () => {});
  child.stdin?.on("error", () => {});
  // Neither the guardian nor its pipe keeps the harness alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  guardian = child;
  return child;
}

/**
 * Make the process group `pgid` die with the harness: `signal` first, SIGKILL 3 s later. The
 * returned function releases it (the group ended normally).
 */
export function guardProcessGroup(pgid: number, signal: NodeJS.Signals = "SIGTERM"): () => void {
  const watcher = startGuardian();
  watcher?.stdin?.write(`+${pgid} ${signal}\n`);
  return () => {
    if (watcher?.stdin?.writable) watcher.stdin.write(`-${pgid}\n`);
  };
}

export interface WatchOptions {
  /** Stops the child (Ctrl+C / SIGTERM of the harness). */
  signal?: AbortSignal | undefined;
  /** The first signal of a stop: SIGINT for k6 (it writes its summary), SIGTERM otherwise. */
  stopSignal?: NodeJS.Signals;
  /** Wait after each signal before the next, stronger one (SIGTERM, then SIGKILL). */
  graceMs?: number;
  /** Stop the child after this long (the same escalation). */
  timeoutMs?: number | undefined;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The child could not be started (ENOENT, EACCES), or the spawn was aborted. */
  error?: Error;
  /** Stopped by `timeoutMs` or `stop("timeout")`, not by the caller's signal. */
  timedOut: boolean;
}

export interface WatchedChild {
  child: ChildProcess;
  exited: Promise<ChildExit>;
  /** Escalate: stop signal → grace → SIGTERM → grace → SIGKILL, to the whole group. */
  stop(reason?: "abort" | "timeout"): Promise<ChildExit>;
}

function within<T>(promise: Promise<T>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Spawn a child the harness can always end (issue 22 H1, H2, H4, H6): in its own process group
 * (a terminal's Ctrl+C reaches only the harness, which stops the child once, so k6 still writes
 * its summary), with an 'error' listener (a failed spawn is a result, never an unhandled
 * error), stopped on abort or after `timeoutMs` with SIGTERM → SIGKILL escalation to the whole
 * group (a shell's children, Chromium), and killed by the guardian if the harness dies.
 */
export function spawnWatched(
  command: string,
  args: readonly string[],
  spawnOptions: SpawnOptions,
  watch: WatchOptions = {},
): WatchedChild {
  const { signal, stopSignal = "SIGTERM", graceMs = 10_000, timeoutMs } = watch;
  const child = spawn(command, args, { ...spawnOptions, detached: process.platform !== "win32" });
  const release = child.pid !== undefined ? guardProcessGroup(child.pid, stopSignal) : () => {};
  let timedOut = false;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error, timedOut }));
    child.once("close", (code, sig) => resolve({ code, signal: sig, timedOut }));
  });
  const killGroup = (sig: NodeJS.Signals) => {
    try {
      if (child.pid === undefined) return;
      if (process.platform === "win32") child.kill(sig);
      else process.kill(-child.pid, sig);
    } catch {
      // Already gone.
    }
  };
  let stopping: Promise<ChildExit> | undefined;
  const stop = (reason: "abort" | "timeout" = "abort") => {
    if (reason === "timeout") timedOut = true;
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        for (const sig of [...new Set([stopSignal, "SIGTERM" as const])]) {
          killGroup(sig);
          if (await within(exited, graceMs)) return exited;
        }
        killGroup("SIGKILL");
      }
      return exited;
    })();
    return stopping;
  };
  const onAbort = () => void stop("abort");
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  const timer =
    timeoutMs !== undefined ? setTimeout(() => void stop("timeout"), timeoutMs) : undefined;
  void exited.then(() => {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    // The group may outlive its leader (a shell's server): end it before releasing the guard.
    killGroup("SIGKILL");
    release();
  });
  return { child, exited: exited.then((exit) => ({ ...exit, timedOut })), stop };
}

/** Whether a process still exists (signal 0 sends nothing). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The error of a child stopped by Ctrl+C / SIGTERM: the run is interrupted, exit 130. */
export function interrupted(label: string): HarnessError {
  return new HarnessError("E_INTERRUPTED", `${label}: interrupted`, { exitCode: EXIT.interrupted });
}
