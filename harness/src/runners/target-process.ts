import { type ChildProcess, spawn } from "node:child_process";
import { get as httpGet } from "node:http";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { StartCommand } from "../schema/config.ts";
import { EXIT, HarnessError } from "../schema/errors.ts";
import type { AppProcess } from "./app.ts";
import { waitForExit } from "./app.ts";
import { guardProcessGroup } from "./child-watchdog.ts";

export type TargetStart = Pick<
  StartCommand,
  "command" | "readyUrl" | "env" | "readyTimeoutSeconds"
>;
type Start = TargetStart;

export interface TargetProcessOptions {
  /** The config's folder: the command runs there. */
  root: string;
  /** 0 (default): a free loopback port. */
  port?: number;
  /** Extra environment on top of the config's (a pass's appEnv, the memory stage's flags). */
  env?: Record<string, string>;
  signal?: AbortSignal;
}

/** A free loopback port, from the OS. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `{port}` in a config string replaced by the chosen port. Pure. */
export function withPort(text: string, port: number): string {
  return text.replaceAll("{port}", String(port));
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) if (child.pid) process.kill(-child.pid, "SIGKILL");
});

/**
 * Start the app under test from the config's `target.start`: its shell command in its own
 * process group, on a free port (`{port}`, PORT), until `readyUrl` answers 2xx. Fails with the
 * command's last output lines when it exits first or is not ready in time. `stop()` ends the
 * whole group (a shell and the server it started).
 */
export async function startTargetProcess(
  start: Start,
  options: TargetProcessOptions,
): Promise<AppProcess> {
  const port = options.port || (await freePort());
  const env: Record<string, string> = { PORT: String(port) };
  for (const [key, value] of Object.entries({ ...start.env, ...options.env })) {
    env[key] = withPort(value, port);
  }
  const command = withPort(start.command, port);
  const readyUrl = withPort(start.readyUrl, port);
  const child = spawn(command, {
    cwd: options.root,
    shell: true,
    detached: true,
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  live.add(child);
  // Its group dies with the harness, even a SIGKILLed one (issue 22 H6).
  const release = child.pid !== undefined ? guardProcessGroup(child.pid) : () => {};
  child.once("exit", () => {
    live.delete(child);
    release();
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-8_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    const group = -child.pid;
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(group, signal);
      } catch {
        // Already gone.
      }
    };
    kill("SIGTERM");
    if (!(await waitForExit(child, 10_000))) {
      kill("SIGKILL");
      await waitForExit(child, 5_000);
    }
  };
  const tail = () => output.trim().split("\n").slice(-8).join("\n  ");
  const deadline = Date.now() + start.readyTimeoutSeconds * 1000;
  while (true) {
    if (options.signal?.aborted) {
      await stop();
      throw new HarnessError("E_INTERRUPTED", "interrupted while the app was starting", {
        exitCode: EXIT.interrupted,
      });
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new HarnessError(
        "E_APP_START",
        `target.start.command \`${command}\` exited (${child.exitCode ?? child.signalCode}) before ${readyUrl} answered\n  ${tail()}`,
        { hint: "run the command yourself to see why; check target.start in perfgate.config.ts" },
      );
    }
    if (await answers(readyUrl)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new HarnessError(
        "E_APP_START",
        `target.start.readyUrl ${readyUrl} did not answer 2xx within ${start.readyTimeoutSeconds} s\n  ${tail()}`,
        {
          hint: "does the app listen on {port} (or PORT)? raise target.start.readyTimeoutSeconds for a slow start",
        },
      );
    }
    await sleep(200);
  }
  return {
    url: new URL(readyUrl).origin,
    pid: child.pid as number,
    stderr: () => output,
    stop,
  };
}

/**
 * One readiness probe: true on a 2xx answer. Its own socket, destroyed on every outcome: a
 * port held by something that accepts and never answers must not keep sockets open after it.
 */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = httpGet(url, { agent: false, timeout: 2_000 }, (response) => {
      response.resume();
      request.destroy();
      const status = response.statusCode ?? 0;
      resolve(status >= 200 && status < 300);
    });
    request.once("timeout", () => {
      request.destroy();
      resolve(false);
    });
    request.once("error", () => resolve(false));
  });
}
