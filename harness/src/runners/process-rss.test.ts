import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { startProcessRssSampler } from "./process-rss.ts";

describe("startProcessRssSampler", () => {
  it("reads a live child's RSS over time and stops by itself when the child exits", async () => {
    // The child holds ~40 MB for a while, so its RSS is well above a bare node process's.
    const child = spawn(
      process.execPath,
      ["-e", "const b = Buffer.alloc(40 * 1024 * 1024, 1); setTimeout(() => b.length, 600);"],
      { stdio: "ignore" },
    );
    const sampler = startProcessRssSampler(child.pid as number, 50);
    await new Promise((resolve) => child.once("exit", resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const samples = await sampler.stop();
    expect(samples.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...samples.map((s) => s.rss))).toBeGreaterThan(40 * 1024 * 1024);
    expect(samples.map((s) => s.tMs)).toEqual([...samples.map((s) => s.tMs)].sort((a, b) => a - b));
    const count = samples.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(samples.length).toBe(count);
  });
});
