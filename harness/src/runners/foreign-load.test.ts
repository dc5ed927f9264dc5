import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { readTreeTicks, startForeignLoadSampler } from "./foreign-load.ts";

const run = promisify(execFile);

/**
 * Node code that burns `cpuMs` of its own CPU time (not wall time: a busy shared machine only
 * makes it take longer), and gives up after 20 s of wall time whatever happens.
 */
const burn = (cpuMs: number) =>
  `const end = Date.now() + 20000; while (Date.now() < end) { const u = process.cpuUsage(); if ((u.user + u.system) / 1000 >= ${cpuMs}) break; }`;

/** Linux USER_HZ: /proc counts CPU time in 1/100 s ticks. */
const TICKS_PER_SECOND = 100;

describe("readTreeTicks", () => {
  it("counts a child of ours, also after it exited", async () => {
    const before = readTreeTicks(process.pid);
    await run(process.execPath, ["-e", burn(400)]);
    const after = readTreeTicks(process.pid);
    // 400 ms of the child's CPU at least (less start-up rounding), however loaded the machine.
    expect(after - before).toBeGreaterThanOrEqual(0.3 * TICKS_PER_SECOND);
  });

  it("does not count a process that is not ours", async () => {
    const before = readTreeTicks(process.pid);
    // `sh` backgrounds the burner and exits: it is re-parented away from this process tree.
    const pid = Number(
      execFileSync(
        "sh",
        ["-c", `"${process.execPath}" -e '${burn(400)}' >/dev/null 2>&1 & echo $!`],
        { encoding: "utf8" },
      ).trim(),
    );
    const deadline = Date.now() + 25_000;
    while (Date.now() < deadline) {
      try {
        process.kill(pid, 0);
      } catch {
        break; // It finished its 400 ms of CPU.
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const after = readTreeTicks(process.pid);
    // Only the sh and this idle-waiting process: far below the burner's 40 ticks.
    expect(after - before).toBeLessThan(0.2 * TICKS_PER_SECOND);
  });
});

describe("startForeignLoadSampler", () => {
  it("returns a summary with sane bounds", async () => {
    const sampler = startForeignLoadSampler({ intervalMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const load = sampler.stop();
    expect(load.samples).toBeGreaterThanOrEqual(2);
    expect(load.wallMs).toBeGreaterThan(250);
    expect(load.meanCores).toBeGreaterThanOrEqual(0);
    expect(load.maxCores).toBeGreaterThanOrEqual(load.meanCores);
    expect(load.stealPct).toBeGreaterThanOrEqual(0);
    expect(load.stealPct).toBeLessThanOrEqual(100);
  });
});
