import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBundleBuild } from "./bundle.ts";
import { isAlive, spawnWatched } from "./child-watchdog.ts";
import { runLighthouse } from "./lighthouse.ts";

/** Polls until `pid` is gone; false after `timeoutMs`. */
async function gone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}

/** A child that ignores SIGINT, SIGTERM and SIGHUP and prints its pid (and a grandchild's). */
const STUBBORN = `
for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, () => {});
const { spawn } = process.getBuiltinModule("node:child_process");
const grandchild = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
console.log(process.pid + " " + grandchild.pid);
setInterval(() => {}, 1000);
`;

function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    stream.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("\n")) resolve(text.split("\n")[0] as string);
    });
    stream.once("end", () => reject(new Error(`no line: ${text}`)));
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-watchdog-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("spawnWatched", () => {
  it("a command that cannot start is a result, not an unhandled 'error' event", async () => {
    const { exited } = spawnWatched("/nonexistent/perfgate-tool", [], { stdio: "ignore" });
    const exit = await exited;
    expect(exit.error?.message).toMatch(/ENOENT/);
  });

  // issue 22 H2: a child that ignores SIGINT and SIGTERM hung the run until a manual SIGKILL.
  it("escalates SIGINT → SIGTERM → SIGKILL to the whole process group on abort", async () => {
    const controller = new AbortController();
    const { child, exited } = spawnWatched(
      process.execPath,
      ["-e", STUBBORN],
      { stdio: ["ignore", "pipe", "ignore"] },
      { signal: controller.signal, stopSignal: "SIGINT", graceMs: 300 },
    );
    const [, grandchild] = (await firstLine(child.stdout as NodeJS.ReadableStream))
      .split(" ")
      .map(Number);
    controller.abort();
    const exit = await exited;
    expect(exit.signal).toBe("SIGKILL");
    expect(await gone(grandchild as number, 5_000)).toBe(true);
  }, 20_000);

  it("stops a child after timeoutMs and says so", async () => {
    const { exited } = spawnWatched(
      process.execPath,
      ["-e", "setInterval(() => {}, 1000)"],
      { stdio: "ignore" },
      { timeoutMs: 200, graceMs: 300 },
    );
    const exit = await exited;
    expect(exit).toMatchObject({ timedOut: true, signal: "SIGTERM" });
  }, 20_000);

  // issue 22 H6: a SIGKILLed harness left its engine and lhci running to the end.
  it("the children of a SIGKILLed parent die with it", async () => {
    const parentScript = path.join(dir, "parent.mts");
    await writeFile(
      parentScript,
      `import { spawnWatched } from ${JSON.stringify(path.resolve(import.meta.dirname, "child-watchdog.ts"))};
const { child } = spawnWatched(process.execPath, ["-e", ${JSON.stringify(STUBBORN)}], { stdio: ["ignore", "pipe", "ignore"] });
child.stdout.pipe(process.stdout);
setInterval(() => {}, 1000);
`,
    );
    const parent = spawn(process.execPath, ["--import", "tsx", parentScript], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const [worker, grandchild] = (await firstLine(parent.stdout)).split(" ").map(Number);
      parent.kill("SIGKILL");
      // The guardian sends SIGTERM (ignored here), then SIGKILL after 3 s.
      expect(await gone(worker as number, 15_000)).toBe(true);
      expect(await gone(grandchild as number, 5_000)).toBe(true);
    } finally {
      parent.kill("SIGKILL");
    }
  }, 40_000);
});

// issue 22 H1: `spawn(…, {signal})` without an 'error' listener: Ctrl+C during the bundle or
// Lighthouse stage crashed the harness with an unhandled AbortError.
describe("Ctrl+C during a build or Lighthouse", () => {
  const SLEEPER = "setInterval(() => {}, 1000);\n";

  it("the Vite build stops and reports an interruption (exit 130)", async () => {
    const root = path.join(dir, "vite-root");
    await mkdir(path.join(root, "node_modules/vite/bin"), { recursive: true });
    await writeFile(path.join(root, "node_modules/vite/bin/vite.js"), SLEEPER);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const error = await runBundleBuild(root, path.join(root, "out"), controller.signal).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "E_INTERRUPTED", exitCode: 130 });
  }, 20_000);

  it("Lighthouse stops and reports an interruption (exit 130)", async () => {
    const root = path.join(dir, "lhci-root");
    await mkdir(path.join(root, "node_modules/@lhci/cli/src"), { recursive: true });
    await writeFile(path.join(root, "package.json"), "{}");
    await writeFile(
      path.join(root, "node_modules/@lhci/cli/package.json"),
      '{"name":"@lhci/cli","version":"0.0.0"}',
    );
    await writeFile(path.join(root, "node_modules/@lhci/cli/src/cli.js"), SLEEPER);
    // The Lighthouse CLI that @lhci/cli ships, which perfgate runs (gather, then audit).
    await mkdir(path.join(root, "node_modules/lighthouse/cli"), { recursive: true });
    await writeFile(
      path.join(root, "node_modules/lighthouse/package.json"),
      '{"name":"lighthouse","version":"0.0.0"}',
    );
    await writeFile(path.join(root, "node_modules/lighthouse/cli/index.js"), SLEEPER);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const error = await runLighthouse({
      root,
      baseUrl: "http://127.0.0.1:9",
      paths: ["/"],
      runs: 1,
      chromePath: "/nonexistent",
      outDir: path.join(root, "lhci"),
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_INTERRUPTED", exitCode: 130 });
  }, 20_000);
});
