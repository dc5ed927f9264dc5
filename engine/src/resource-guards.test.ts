import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { k6Cli } from "../test/conformance/loopback.ts";
import { memoryBudgetMb, threadHeapLimitMb, vuBudgetProblem } from "./resource-budget.ts";

/**
 * Resource guards: a VU count that cannot fit is refused at start, VU start-up and init hear
 * SIGINT/SIGTERM, and a VU that exhausts its heap ends the test with an error and its summary
 * (exit 107) instead of V8's abort (exit 134) or a silent exit 0.
 */
let dir: string;
const children: ChildProcess[] = [];
const BIN = path.join(import.meta.dirname, "../bin/perfgate-k6.mjs");
/** Every child is killed by then, and the test fails: no wait is unbounded. */
const CHILD_LIMIT_MS = 90_000;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-resource-guards-"));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The engine's bin on `script`; `onOutput` sees stdout as it comes (to send a signal). */
function runBin(
  args: string[],
  options: {
    env?: Record<string, string>;
    nodeFlags?: string[];
    onStdout?: (text: string, child: ChildProcess) => void;
  } = {},
): { child: ChildProcess; done: Promise<Outcome> } {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), BIN, "run", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env },
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
    options.onStdout?.(stdout, child);
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<Outcome>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_LIMIT_MS);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

async function script(name: string, source: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, source);
  return file;
}

describe("the VU budget", () => {
  it("sizes the budget from PERFGATE_ENGINE_MEMORY_MB, else half the memory", () => {
    expect(memoryBudgetMb({ PERFGATE_ENGINE_MEMORY_MB: "512" })).toBe(512);
    expect(memoryBudgetMb({})).toBeLessThanOrEqual(Math.floor(os.totalmem() / 2 / 1024 / 1024));
    expect(threadHeapLimitMb(1000, 100)).toBe(128);
    expect(threadHeapLimitMb(4000, 2)).toBe(2000);
  });

  it("names the flag, the need, the budget and the way out", () => {
    const problem = vuBudgetProblem({
      mode: "sync",
      vus: 1000,
      initHeapMb: 1,
      budgetMb: 2500,
      source: "--vus 1000",
    });
    expect(problem).toBe(
      "--vus 1000: 1000 VUs need ~25000 MB (~25.00 MB per VU in a thread per VU), over the engine's memory budget of 2500 MB; at most ~100 VUs fit: lower the VUs, or set PERFGATE_ENGINE_MEMORY_MB to a larger budget",
    );
    expect(
      vuBudgetProblem({ mode: "async", vus: 1000, initHeapMb: 0.01, budgetMb: 2500, source: "x" }),
    ).toBeUndefined();
  });

  it("refuses 100,000 thread-per-VU VUs at start with exit 104, before any VU thread", async () => {
    const file = await script(
      "sync.js",
      `import http from "k6/http";\nexport default function () { http.get("http://127.0.0.1:9/"); }\n`,
    );
    const r = await k6Cli(["run", "--vus", "100000", "--duration", "1s", file], dir, {
      PERFGATE_ENGINE_MODE: "sync",
    });
    expect(r.code).toBe(104);
    expect(r.stderr).toMatch(
      /--vus 100000: 100000 VUs need ~\d+ MB .* over the engine's memory budget of \d+ MB/,
    );
    expect(r.stderr).toContain("PERFGATE_ENGINE_MEMORY_MB");
    expect(r.stdout).not.toContain("execution:");
  });

  it("refuses async VUs over a small budget, naming the script's options", async () => {
    const file = await script(
      "async.js",
      `export const options = { vus: 50000, duration: "1s" };\nexport default async function () {}\n`,
    );
    const r = await k6Cli(["run", file], dir, { PERFGATE_ENGINE_MEMORY_MB: "1" });
    expect(r.code).toBe(104);
    expect(r.stderr).toContain("the script's options (max VUs of its scenarios): 50000 VUs need");
  });
});

describe("a test whose VUs cannot start", () => {
  it("ends with k6's init error, a warning that 0 iterations ran and exit 107, not exit 0", async () => {
    const file = await script(
      "vu-init-throw.js",
      `if (__VU === 1) throw new Error("no data for VU 1");\nexport default function () {}\n`,
    );
    const r = await k6Cli(["run", "--vus", "1", "--iterations", "1", file], dir);
    expect(r.code).toBe(107);
    expect(r.stderr).toContain("error while initializing VU #1: no data for VU 1");
    expect(r.stderr).toContain("the test ran 0 iterations: none of its 1 VUs started");
    expect(r.stdout).toContain("engine: perfgate built-in");
  });
});

describe("an async engine thread that dies", () => {
  it("stops the other threads; their metrics still reach the summary, exit 107", async () => {
    // VU 2 starts on the second thread, whose start-up then fails.
    const file = await script(
      "thread-dies.js",
      `export const options = { vus: 2, iterations: 4 };\nif (__VU === 2) throw new Error("no data for VU 2");\nexport default async function () {}\n`,
    );
    const { done } = runBin([file], { env: { PERFGATE_ENGINE_THREADS: "2" } });
    const r = await done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(107);
    expect(r.stderr).toContain("engine thread failed:");
    expect(r.stderr).toContain("no data for VU 2");
    expect(r.stdout).toContain("async mode, 2 threads");
    expect(r.stdout).toContain("engine: perfgate built-in");
  });
});

describe("signals during init and VU start-up", () => {
  it("SIGINT ends an init that never returns, with a message and exit 130", async () => {
    // The init reads a FIFO first: once the test has written to it, init is running.
    const fifo = path.join(dir, "init.fifo");
    execFileSync("mkfifo", [fifo]);
    const file = await script(
      "init-loop.js",
      `open(__ENV.FIFO);\nlet n = 0;\nwhile (true) { n += 1; }\nexport default function () {}\n`,
    );
    const { child, done } = runBin(["-e", `FIFO=${fifo}`, file]);
    const writer = await open(fifo, "w");
    await writer.writeFile("go");
    await writer.close();
    child.kill("SIGINT");
    const r = await done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("init error: init interrupted by SIGINT");
  });

  it("SIGTERM during the start of 100,000 VUs ends the run with exit 105 and its summary", async () => {
    // Each init context busy-waits 2 ms: starting every VU would take minutes.
    const file = await script(
      "slow-init.js",
      `const until = Date.now() + 2;\nwhile (Date.now() < until) {}\nexport default async function () {}\n`,
    );
    const { done } = runBin(["--vus", "100000", "--duration", "1s", file], {
      // Machine-independent: the budget is not what this test is about.
      env: { PERFGATE_ENGINE_MEMORY_MB: "100000" },
      onStdout: (text, child) => {
        // The start-up lines come before the VUs start.
        if (text.includes("scenarios:") && !child.killed) child.kill("SIGTERM");
      },
    });
    const r = await done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(105);
    expect(r.stdout).toContain("engine: perfgate built-in");
  });
});

describe("a VU that exhausts its heap", () => {
  const hog = `export const options = { iterations: 1 };\nexport default function () { const keep = []; while (true) keep.push(new Array(1e5).fill(1)); }\n`;

  it("async mode: the test is aborted with exit 107 and its summary, not V8's abort", async () => {
    const file = await script("hog.js", hog);
    // A 256 MB heap: the guard is reached in a second, not after 4 GB.
    const { done } = runBin([file], { nodeFlags: ["--max-old-space-size=256"] });
    const r = await done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(107);
    expect(r.stderr).toMatch(/test aborted: VU 1 ran out of memory: its heap reached \d+ MB/);
    expect(r.stdout).toContain("engine: perfgate built-in");
  });

  it("a VU thread (sync mode) fails alone with exit 107 and the summary, not exit 0", async () => {
    const file = await script(
      "hog-sync.js",
      `import http from "k6/http";\n${hog.replace("{ const keep", '{ http.get("http://127.0.0.1:9/"); const keep')}`,
    );
    const { done } = runBin([file], {
      env: { PERFGATE_ENGINE_MODE: "sync", PERFGATE_ENGINE_MEMORY_MB: "128" },
    });
    const r = await done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(107);
    expect(r.stderr).toMatch(/VU 1 (ran out of memory|'s thread failed)/);
    expect(r.stdout).toContain("one thread per VU");
    expect(r.stdout).toContain("engine: perfgate built-in");
  });

  it("an init that allocates without end is stopped on its probe thread (exit 107)", async () => {
    const file = await script(
      "hog-init.js",
      `const keep = [];\nwhile (true) keep.push(new Array(1e5).fill(1));\nexport default function () {}\n`,
    );
    const { done } = runBin([file], { env: { PERFGATE_ENGINE_MEMORY_MB: "200" } });
    const r = await done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(107);
    expect(r.stderr).toMatch(/init error: .*ran out of memory/);
  });
});
