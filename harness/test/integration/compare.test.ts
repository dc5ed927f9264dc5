import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ComparisonRecord } from "../../src/schema/index.ts";

const root = path.resolve(import.meta.dirname, "../../..");
let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "perfgate-compare-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function compare(args: string[], onLine?: (line: string, child: ReturnType<typeof spawn>) => void) {
  const child = spawn(
    process.execPath,
    [
      "harness/bin/perfgate.mjs",
      "compare",
      "--calibration",
      path.join(scratch, "calibration.json"),
      ...args,
    ],
    {
      cwd: root,
      env: { ...process.env, CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const line of chunk.toString().split("\n")) onLine?.(line, child);
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once("exit", (code) => resolve({ code, stdout, stderr })),
  );
}

async function recordOf(stderr: string) {
  const dir =
    stderr.match(/wrote (.*)\/comparison\.\{json,md\}/)?.[1] ??
    stderr.match(/compare (compare-\S+):/)?.[1];
  const folder = dir?.startsWith("/") ? dir : path.join(root, ".perf", "compare", dir as string);
  const record = ComparisonRecord.parse(
    JSON.parse(await readFile(path.join(folder, "comparison.json"), "utf8")),
  );
  return { record, folder };
}

describe("npm run compare (real worktree, real processes)", () => {
  it("compares HEAD with the working tree in interleaved blocks and writes a complete record", async () => {
    const { code, stdout, stderr } = await compare([
      "--base",
      "HEAD",
      "--suites",
      "microbench:pool",
      "--blocks",
      "3",
      "--confirm-blocks",
      "0",
      "--bench-budget-ms",
      "20",
    ]);
    const { record, folder } = await recordOf(stderr);
    expect(record.status).toBe("complete");
    expect(code, stderr).toBe(record.failing.length > 0 ? 1 : 0);
    expect(record.rounds[0]?.blocks).toBe(3);
    expect(record.final.length).toBeGreaterThan(1);
    expect(record.final.every((d) => d.suiteId === "microbench/pool" && d.blocks === 3)).toBe(true);
    expect(stdout).toContain("| | metric | base → head (paired) | Δ [95% CI] | verdict |");
    expect(await readFile(path.join(folder, "comparison.md"), "utf8")).toBe(stdout);
    // The base checkout is gone; the samples that were decided on are kept for replay.
    expect(existsSync(path.join(folder, "base-tree"))).toBe(false);
    expect(existsSync(path.join(folder, "samples.json"))).toBe(true);
    // A clean tree compared with HEAD is a calibration; it goes where --calibration says.
    if (record.mode === "calibration") {
      expect(existsSync(path.join(scratch, "calibration.json"))).toBe(true);
    }
  }, 180_000);

  it("rejects a base that is not a commit with a usage error", async () => {
    const { code, stderr } = await compare(["--base", "no-such-ref-anywhere"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--base no-such-ref-anywhere is not a commit in this repository");
  });

  it("marks a comparison interrupted by Ctrl+C as interrupted, never complete", async () => {
    let sent = false;
    const { code, stderr } = await compare(
      ["--base", "HEAD", "--suites", "load", "--blocks", "3", "--load-seconds", "2"],
      (line, child) => {
        if (!sent && line.includes("initial block 1/3")) {
          sent = true;
          setTimeout(() => child.kill("SIGINT"), 3000);
        }
      },
    );
    expect(code, stderr).toBe(130);
    const { record, folder } = await recordOf(stderr);
    expect(record.status).toBe("interrupted");
    expect(record.failing).toEqual([]);
    expect(record.verdicts.every((v) => v.level === "warn")).toBe(true);
    expect(existsSync(path.join(folder, "base-tree"))).toBe(false);
  }, 180_000);
});
