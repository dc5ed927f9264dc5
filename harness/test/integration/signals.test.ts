import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive } from "../../src/runners/child-watchdog.ts";

/**
 * Issue 22's harness items through the real CLI (harness/bin/perfgate.mjs) as a child process:
 * signals, a dead harness, a busy or unwritable reports folder, nothing listening. Every wait
 * is bounded; each test kills what it started.
 */
const root = path.resolve(import.meta.dirname, "../../..");
let dir: string;
let server: Server;
let baseUrl: string;
const started: ChildProcess[] = [];
const fakeK6 = () => path.join(dir, "fake-k6.cjs");

/** The env that makes the harness run the fake k6 in `mode`; its pid is written to a file. */
function withFakeK6(mode: "hang" | "k6", pidFile: string): Record<string, string> {
  return { PERFGATE_ENGINE: "", K6_PATH: fakeK6(), FAKE_K6_MODE: mode, FAKE_K6_PID_FILE: pidFile };
}

async function pidFrom(file: string): Promise<number> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (existsSync(file)) return Number(readFileSync(file, "utf8"));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${file} was never written`);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-signals-"));
  server = createServer((_, response) => response.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  await writeFile(
    path.join(dir, "steady.ts"),
    `import http from "k6/http";
import { sleep } from "k6";
export const options = { vus: 1, duration: "60s" };
export default function () { http.get(__ENV.BASE_URL + "/"); sleep(0.05); }
`,
  );
  // A stand-in for the real k6 (K6_PATH): "hang" ignores SIGINT/SIGTERM and never starts (an
  // init that never returns); "k6" behaves as k6 does on signals: the first SIGINT stops it
  // gracefully (summary written, exit 105 after 1 s), a second one during that exits 130 at once
  // with no summary.
  await writeFile(
    fakeK6(),
    `#!${process.execPath}
const fs = require("node:fs");
const args = process.argv.slice(2);
if (args[0] === "version") { console.log("k6 v0.99.0 (fake)"); process.exit(0); }
fs.writeFileSync(process.env.FAKE_K6_PID_FILE, String(process.pid));
if (process.env.FAKE_K6_MODE === "hang") {
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, () => {});
  setInterval(() => {}, 1000);
} else {
  const summary = args[args.indexOf("--summary-export") + 1];
  setInterval(() => console.log("running (0m01.0s), 1/1 VUs, 5 complete and 0 interrupted iterations"), 200);
  let stopping = false;
  process.on("SIGINT", () => {
    if (stopping) process.exit(130);
    stopping = true;
    setTimeout(() => {
      fs.copyFileSync(${JSON.stringify(path.join(root, "harness/test/fixtures/raw/k6/summary-export.json"))}, summary);
      process.exit(105);
    }, 1000);
  });
}
`,
  );
  await chmod(fakeK6(), 0o755);
  await writeFile(
    path.join(dir, "init-hang.ts"),
    `import http from "k6/http";
const t0 = Date.now();
while (Date.now() - t0 < 600_000) {}
export const options = { vus: 1, iterations: 1 };
export default function () { http.get(__ENV.BASE_URL + "/"); }
`,
  );
});
afterAll(async () => {
  for (const child of started) child.kill("SIGKILL");
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

interface Cli {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  /** Resolves with the stderr once `pattern` appears (rejects when the CLI exits first). */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  exit: (timeoutMs?: number) => Promise<number | null>;
}

function cli(args: string[], env: Record<string, string> = {}, detached = false): Cli {
  const child = spawn(process.execPath, ["harness/bin/perfgate.mjs", ...args], {
    cwd: root,
    env: { ...process.env, PERFGATE_ENGINE: "builtin", CI: "true", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached,
  });
  started.push(child);
  let stderr = "";
  let stdout = "";
  child.stdout?.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return {
    child,
    stderr: () => stderr,
    stdout: () => stdout,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern}:\n${stderr}`)), timeoutMs);
        const check = () => {
          if (!pattern.test(stderr)) return;
          clearTimeout(timer);
          resolve(stderr);
        };
        child.stderr?.on("data", check);
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`exited before ${pattern}:\n${stderr}`));
        });
        check();
      }),
    exit: (timeoutMs = 60_000) =>
      Promise.race([
        exited,
        new Promise<null>((_, reject) =>
          setTimeout(() => reject(new Error(`still running:\n${stderr}`)), timeoutMs),
        ),
      ]),
  };
}

const runIdOf = (stderr: string) =>
  stderr.match(/run (\d{8}T\d{6}Z_[0-9a-f]+-[0-9a-f]+)/)?.[1] as string;

function scratchRun(stderr: string) {
  return JSON.parse(readFileSync(path.join(root, ".perf", runIdOf(stderr), "run.json"), "utf8"));
}

const steady = () => ["--scenario", path.join(dir, "steady.ts"), "--skip", "endpoints,lighthouse"];

describe("perfgate load: refusals before anything runs", () => {
  // H5: nothing listening at --base-url ran the profile and committed 100% failed requests.
  it("a --base-url with nothing listening is E_TARGET_DOWN, exit 3, nothing written", async () => {
    const reports = path.join(dir, "reports-down");
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const run = cli([
      "load",
      "--base-url",
      `http://127.0.0.1:${port}`,
      "--reports-dir",
      reports,
      ...steady(),
    ]);
    expect(await run.exit()).toBe(3);
    expect(run.stderr()).toMatch(
      /error\[E_TARGET_DOWN\]: --base-url http:\/\/127\.0\.0\.1:\d+: nothing is listening/,
    );
    expect(run.stderr()).not.toMatch(/k6 steady: running/);
    expect(existsSync(path.join(reports, "runs"))).toBe(false);
  });

  // H7: two runs on the same reports both measured at once and both committed.
  it("a second run on reports another live run holds refuses at once, naming it", async () => {
    const reports = path.join(dir, "reports-busy");
    await mkdir(reports, { recursive: true });
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], {
      stdio: "ignore",
    });
    started.push(holder);
    await writeFile(path.join(reports, ".lock"), String(holder.pid));
    const run = cli(["load", "--base-url", baseUrl, "--reports-dir", reports, ...steady()]);
    expect(await run.exit()).toBe(3);
    expect(run.stderr()).toContain(
      `error[E_LOCKED]: load: ${reports} is in use by another perfgate run (process ${holder.pid}`,
    );
    expect(run.stderr()).not.toMatch(/k6 steady: running/);
    holder.kill("SIGKILL");
  });

  // H9: a read-only reports folder was E_INTERNAL with a stack. A private mount namespace
  // makes a read-only bind mount without touching the machine (root in a container).
  const unshare = spawnSync("unshare", ["-m", "true"]).status === 0;
  it.skipIf(!unshare)("a read-only reports folder is E_WRITE naming the path", async () => {
    const reports = path.join(dir, "reports-ro");
    await mkdir(reports, { recursive: true });
    const command = `mount --bind -o ro ${reports} ${reports} && exec "${process.execPath}" harness/bin/perfgate.mjs load --base-url ${baseUrl} --reports-dir ${reports} --scenario ${path.join(dir, "steady.ts")} --skip endpoints,lighthouse`;
    const result = spawnSync("unshare", ["-m", "sh", "-c", command], {
      cwd: root,
      env: { ...process.env, PERFGATE_ENGINE: "builtin", CI: "true" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(3);
    expect(result.stderr).toContain(
      `error[E_WRITE]: ${reports}/.lock: cannot write the reports folder (EROFS)`,
    );
    expect(result.stderr).not.toContain("E_INTERNAL");
  });
});

describe("perfgate load: signals and a dead harness", () => {
  // H4: a terminal's Ctrl+C goes to the whole foreground group; k6 got SIGINT twice (from the
  // terminal and from the harness), exited 130 without a summary, and the run lost its k6 data.
  it("Ctrl+C to the harness's process group: k6 stops once, exit 130, its summary kept", async () => {
    const pidFile = path.join(dir, "h4.pid");
    const run = cli(
      ["load", "--base-url", baseUrl, "--no-save", ...steady()],
      withFakeK6("k6", pidFile),
      true,
    );
    await run.waitFor(/k6 steady: running/);
    await pidFrom(pidFile);
    process.kill(-(run.child.pid as number), "SIGINT");
    expect(await run.exit(60_000), run.stderr()).toBe(130);
    const scratch = scratchRun(run.stderr());
    expect(scratch.status).toBe("interrupted");
    const suite = scratch.suites.find((s: { id: string }) => s.id === "steady");
    expect(suite?.status, JSON.stringify(suite)).not.toBe("errored");
    const reqs = suite?.metrics.find((m: { id: string }) => m.id === "http_reqs");
    expect(reqs?.value).toBeGreaterThan(0);
  }, 120_000);

  // H2: a k6 whose init never returns ignored Ctrl+C: "stopping…" and nothing happened.
  it("Ctrl+C while k6 ignores signals ends the run (SIGINT → SIGTERM → SIGKILL)", async () => {
    const pidFile = path.join(dir, "h2.pid");
    const run = cli(["load", "--base-url", baseUrl, "--no-save", ...steady()], {
      ...withFakeK6("hang", pidFile),
      PERFGATE_STOP_GRACE_SECONDS: "1",
    });
    const k6 = await pidFrom(pidFile);
    run.child.kill("SIGINT");
    expect(await run.exit(60_000), run.stderr()).toBe(130);
    expect(scratchRun(run.stderr()).status).toBe("interrupted");
    expect(isAlive(k6)).toBe(false);
  }, 120_000);

  // H6: a SIGKILLed harness left its k6 loading the app to the end of the scenario.
  it("SIGKILL of the harness ends its k6 too", async () => {
    const pidFile = path.join(dir, "h6.pid");
    const run = cli(
      ["load", "--base-url", baseUrl, "--no-save", ...steady()],
      withFakeK6("hang", pidFile),
    );
    const k6 = await pidFrom(pidFile);
    run.child.kill("SIGKILL");
    const deadline = Date.now() + 20_000;
    while (isAlive(k6) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const alive = isAlive(k6);
    if (alive) process.kill(k6, "SIGKILL");
    expect(alive).toBe(false);
  }, 120_000);

  it("an init that never returns is stopped after PERFGATE_INIT_TIMEOUT_SECONDS", async () => {
    const run = cli(
      [
        "load",
        "--base-url",
        baseUrl,
        "--no-save",
        "--scenario",
        path.join(dir, "init-hang.ts"),
        "--skip",
        "endpoints,lighthouse",
      ],
      { PERFGATE_INIT_TIMEOUT_SECONDS: "2", PERFGATE_STOP_GRACE_SECONDS: "1" },
    );
    expect(await run.exit(90_000), run.stderr()).toBe(3);
    expect(run.stderr()).toMatch(/init-hang: the script's init did not finish within 2 s/);
  }, 120_000);

  // H1: `spawn(…, {signal})` without an 'error' listener: SIGTERM during the Vite build crashed
  // the harness with an unhandled AbortError, exit 1.
  it("SIGTERM during the Vite build of `perfgate lhci`: exit 130, no AbortError", async () => {
    const run = cli(["lhci", "--runs", "1"], { CHROME_PATH: "/bin/true" });
    await viteChildOf(run.child.pid as number);
    run.child.kill("SIGTERM");
    expect(await run.exit(60_000), run.stderr()).toBe(130);
    expect(run.stderr()).not.toMatch(/AbortError|E_INTERNAL/);
  }, 120_000);

  // H8: an interrupt while the app started wrote no record at all.
  it("SIGTERM while the app starts: exit 130 and an interrupted record", async () => {
    const run = cli(["load", "--no-save", ...steady(), "--skip", "bundle"]);
    await run.waitFor(/app: waiting until it serves/);
    run.child.kill("SIGTERM");
    expect(await run.exit(60_000), run.stderr()).toBe(130);
    const scratch = scratchRun(run.stderr());
    expect(scratch.status).toBe("interrupted");
    expect(scratch.warnings.map((w: { code: string }) => w.code)).toContain("interrupted");
  }, 120_000);
});

/** Waits until `parent` has started Vite (its build), by its children in /proc. */
async function viteChildOf(parent: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const children = readFileSync(`/proc/${parent}/task/${parent}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    for (const child of children) {
      const cmdline = (() => {
        try {
          return readFileSync(`/proc/${child}/cmdline`, "utf8");
        } catch {
          return "";
        }
      })();
      if (cmdline.includes("vite.js")) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("Vite never started");
}
