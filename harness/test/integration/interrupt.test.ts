import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");
let reports: string;
beforeAll(async () => {
  reports = await mkdtemp(path.join(os.tmpdir(), "perfgate-interrupt-"));
});
afterAll(async () => {
  await rm(reports, { recursive: true, force: true });
});

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

describe("Ctrl+C during npm run load", () => {
  it("stops the scenario and the app, keeps the partial run marked interrupted, commits nothing", async () => {
    const child = spawn(
      process.execPath,
      ["harness/bin/perfgate.mjs", "load", "--reports-dir", reports, "--var", "SMOKE_DURATION=60s"],
      {
        cwd: root,
        env: { ...process.env, PERFGATE_ENGINE: "builtin", CI: "true" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = stderr.match(/app up at http:\/\/127\.0\.0\.1:(\d+)/);
        if (match && stderr.includes("k6 smoke: running")) resolve(Number(match[1]));
      });
      child.once("exit", () => reject(new Error(`exited early:\n${stderr}`)));
    });
    // Long enough for the scenario to have sent requests even while other tests load the machine.
    await new Promise((resolve) => setTimeout(resolve, 8000));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, stderr).toBe(130);
    expect(stdout).toContain("INTERRUPTED");
    expect(await portIsClosed(port)).toBe(true);
    const runId = stderr.match(/run (\d{8}T\d{6}Z_[0-9a-f]+-[0-9a-f]+)/)?.[1] as string;
    const scratch = JSON.parse(await readFile(path.join(root, ".perf", runId, "run.json"), "utf8"));
    expect(scratch.status).toBe("interrupted");
    expect(scratch.warnings.map((w: { code: string }) => w.code)).toContain("interrupted");
    // The partial smoke suite is kept with what it measured before the stop.
    const smoke = scratch.suites.find((s: { id: string }) => s.id === "smoke");
    expect(smoke?.metrics.find((m: { id: string }) => m.id === "http_reqs")?.value).toBeGreaterThan(
      0,
    );
    expect(existsSync(path.join(reports, "runs"))).toBe(false);
  }, 90_000);
});
