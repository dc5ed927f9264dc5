import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { EXIT, HarnessError } from "../schema/index.ts";
import { waitForExit } from "./app.ts";
import { findOnPath } from "./tools.ts";

/** A redis-server the harness owns, so a fault step can kill it and start it again. */
export interface RedisProcess {
  /** `redis://127.0.0.1:<port>`: stays the same across restarts. */
  readonly url: string;
  readonly port: number;
  /** Pid of the current process, undefined while it is down. */
  readonly pid: number | undefined;
  /** SIGKILL, as a crash would: no shutdown, no save. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** Start again on the same port; resolves once it accepts connections. */
  restart(): Promise<void>;
  /** Stop for good (SIGTERM, then SIGKILL). Safe to call twice. */
  stop(): Promise<void>;
}

export interface RedisProcessOptions {
  /** The redis-server executable (see `detectRedis`). */
  binary: string;
  /** 0 (default) picks a free loopback port once; restarts reuse it. */
  port?: number;
  readyTimeoutMs?: number;
}

const live = new Set<ChildProcess>();
// Whatever happens to the harness, never leave a redis-server behind.
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/** A free loopback port, found by binding port 0 and releasing it. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no loopback port");
  return address.port;
}

async function launch(binary: string, port: number, readyTimeoutMs: number): Promise<ChildProcess> {
  // A cache, not a store: no persistence, so a restart comes back empty, as after a crash.
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  // The exit hook below cannot run on SIGKILL; util-linux's setpriv (Linux) execs redis-server
  // with a parent-death signal, so even a killed harness leaves no redis-server behind.
  const setpriv = process.platform === "linux" ? await findOnPath("setpriv") : undefined;
  const child = setpriv
    ? spawn(setpriv, ["--pdeathsig", "TERM", "--", binary, ...args], {
        stdio: ["ignore", "pipe", "pipe"],
      })
    : spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  child.once("exit", () => live.delete(child));
  let output = "";
  return new Promise<ChildProcess>((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(
        new HarnessError("E_REDIS_START", `redis-server on port ${port}: ${message}`, {
          hint: "is the port taken? `redis-server --port <p>` by hand shows the full output",
          exitCode: EXIT.toolFailed,
        }),
      );
    };
    const timer = setTimeout(
      () => fail(`not ready within ${readyTimeoutMs} ms: ${output.trim().split("\n").at(-1)}`),
      readyTimeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        child.stdout?.off("data", onData).resume();
        child.stderr?.off("data", onData).resume();
        child.removeListener("exit", onExit);
        resolve(child);
      }
    };
    const onExit = (code: number | null) =>
      fail(`exited with ${code} before it was ready: ${output.trim().split("\n").at(-1)}`);
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
    child.once("error", (error) => fail(error.message));
  });
}

/**
 * Start a throwaway redis-server on loopback that a fault step can SIGKILL and restart on the
 * same port (the app's client keeps reconnecting to that URL).
 *
 * @throws HarnessError E_REDIS_START when it does not come up.
 */
export async function startRedisProcess(options: RedisProcessOptions): Promise<RedisProcess> {
  const { binary, readyTimeoutMs = 10_000 } = options;
  const port = options.port || (await freeLoopbackPort());
  let child: ChildProcess | undefined = await launch(binary, port, readyTimeoutMs);
  const halt = async (signal: NodeJS.Signals) => {
    const current = child;
    child = undefined;
    if (!current) return;
    current.kill(signal);
    if (!(await waitForExit(current, 5_000))) {
      current.kill("SIGKILL");
      await waitForExit(current, 5_000);
    }
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid;
    },
    kill: () => halt("SIGKILL"),
    async restart() {
      await halt("SIGKILL");
      child = await launch(binary, port, readyTimeoutMs);
    },
    stop: () => halt("SIGTERM"),
  };
}
