import { type ChildProcess, spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";

/** Find an executable on PATH without a shell. */
export async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return undefined;
}

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

export interface LocalRedis {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Start a throwaway redis-server on a free loopback port: no persistence (a cache, not a
 * store), killed with the app. Resolves once it accepts connections.
 */
export async function startLocalRedis(binary: string, port?: number): Promise<LocalRedis> {
  const chosen = port ?? (await freeLoopbackPort());
  const args = [
    "--port",
    String(chosen),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
  ];
  // util-linux's setpriv (Linux) execs redis-server with a parent-death signal, so an app that
  // is SIGKILLed takes its Redis with it; the child is still redis-server itself (same pid).
  const setpriv = process.platform === "linux" ? await findOnPath("setpriv") : undefined;
  const child = setpriv
    ? spawn(setpriv, ["--pdeathsig", "TERM", "--", binary, ...args], {
        stdio: ["ignore", "pipe", "pipe"],
      })
    : spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server not ready in 10 s: ${output}`)),
      10_000,
    );
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output.trim()}`));
    });
  });
  child.stdout?.resume();
  child.stderr?.resume();
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  return {
    url: `redis://127.0.0.1:${chosen}`,
    process: child,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
