import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { EXIT, HarnessError } from "../schema/index.ts";

export interface AppProcessOptions {
  /** Repository root: the app is started as `tsx app/server/src/main.ts` from there. */
  root: string;
  /** 0 (default) lets the app pick a free loopback port. */
  port?: number;
  /** Extra environment for the app (feature flags, REDIS_URL, ...). */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the readiness line. */
  readyTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface AppProcess {
  url: string;
  pid: number;
  /** The app's stderr so far, for error messages. */
  stderr(): string;
  /** Graceful stop (SIGTERM, then SIGKILL after a grace period). Safe to call twice. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
// Whatever happens to the harness, never leave an app process behind.
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/** Resolves true once `child` has exited, false after `timeoutMs` if it has not. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Start the reference app and wait until it announces `{"event":"listening","url":...}` on
 * stdout. Fails with the app's own error line when it exits first (port taken, bad config).
 */
export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const { root, port = 0, readyTimeoutMs = 60_000, signal } = options;
  const child = spawn(process.execPath, ["--import", "tsx", "app/server/src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      ...options.env,
      PERFGATE_APP_PORT: String(port),
      PERFGATE_APP_HOST: "127.0.0.1",
      // The app exits when this pipe closes: if the harness dies (a killed test worker, a
      // SIGKILL), its app goes with it instead of serving on as a stray process.
      PERFGATE_APP_EXIT_WITH_STDIN: "on",
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  live.add(child);
  child.once("exit", () => live.delete(child));
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-8_000);
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    if (!(await waitForExit(child, 10_000))) {
      child.kill("SIGKILL");
      await waitForExit(child, 5_000);
    }
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      const timer = setTimeout(
        () =>
          reject(
            new HarnessError(
              "E_APP_TIMEOUT",
              `app did not become ready within ${readyTimeoutMs} ms`,
              {
                hint: "run `npm run app` to see its output",
                exitCode: EXIT.toolFailed,
              },
            ),
          ),
        readyTimeoutMs,
      );
      const onAbort = () => reject(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      lines.on("line", (line) => {
        if (!line.startsWith("{")) return;
        try {
          const event = JSON.parse(line) as { event?: string; url?: string };
          if (event.event === "listening" && event.url) {
            clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            resolve(event.url);
          }
        } catch {
          // Not our readiness line; the app may log other JSON.
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        const reason = stderr.trim().split("\n").filter(Boolean).at(-1) ?? `exit code ${code}`;
        reject(
          new HarnessError("E_APP_START", `app exited before it was ready: ${reason}`, {
            hint: reason.includes("EADDRINUSE")
              ? "the port is taken: free it or use --port 0 for a free one"
              : "run `npm run app` to see the full output",
            exitCode: EXIT.toolFailed,
          }),
        );
      });
    });
    return { url, pid: child.pid ?? -1, stderr: () => stderr, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
