import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countsPerOp } from "../../src/adapters/microbench-counts.ts";
import { runMicrobench } from "../../src/runners/microbench.ts";
import { findValgrind } from "../../src/runners/microbench-instructions.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const valgrind = findValgrind();
if (!valgrind)
  console.warn("instructions.test: skipped, valgrind is not on PATH (apt-get install valgrind)");
/** Allocation-heavy on purpose: scavenges run inside the counted regions. */
const CASE = "pool/object16/alloc";
/** Each burner stops by itself after this long, even if the test is killed. */
const BURN_SECONDS = 540;

/** One busy-looping process per core, bounded in time. */
function burnCores(): ChildProcess[] {
  return os
    .cpus()
    .map(() =>
      spawn(
        process.execPath,
        [
          "-e",
          `const end = Date.now() + ${BURN_SECONDS * 1000}; let x = 0; while (Date.now() < end) x++;`,
        ],
        { stdio: "ignore" },
      ),
    );
}

describe.skipIf(!valgrind)(
  `instruction mode under load (${valgrind ? `valgrind ${valgrind.version}` : "skipped: valgrind is not installed (apt-get install -y valgrind)"})`,
  () => {
    let scratch: string;
    let burners: ChildProcess[] = [];
    beforeAll(async () => {
      scratch = await mkdtemp(path.join(root, ".perf", "instructions-test-"));
    });
    afterAll(async () => {
      for (const child of burners) child.kill("SIGKILL");
      await rm(scratch, { recursive: true, force: true });
    });

    it(
      "counts one case within 0.5% in two processes while every core is busy",
      async () => {
        burners = burnCores();
        // Both processes at once (counts do not depend on load), each from its own build.
        const once = (round: number) =>
          runMicrobench({
            root,
            rawDir: path.join(scratch, `raw-${round}`),
            buildDir: path.join(scratch, `build-${round}`),
            suites: ["pool"],
            cases: new Set([CASE]),
            includeSlow: false,
            processes: 1,
            rounds: [round],
            budgetMs: 50,
            warmupMs: 30,
            measure: "instructions",
            instructions: { timing: false, cacheSim: false, calls: 3, warmupCalls: 10 },
            signal: AbortSignal.timeout((BURN_SECONDS - 30) * 1000),
            log: () => {},
          });
        const runs = await Promise.all([once(0), once(1)]);
        const output = {
          failures: runs.flatMap((r) => r.failures),
          raws: runs.flatMap((r) => r.raws),
        };
        // The burners were still running when the second process finished: it ran under load.
        const stillBurning = burners.every((child) => child.exitCode === null);
        for (const child of burners) child.kill("SIGKILL");
        expect(stillBurning).toBe(true);
        expect(output.failures).toEqual([]);
        const counts = output.raws.map((raw) => countsPerOp(raw)?.instructions ?? Number.NaN);
        expect(counts).toHaveLength(2);
        const [a, b] = counts as [number, number];
        expect(a).toBeGreaterThan(10);
        expect(Math.abs(a - b) / Math.min(a, b)).toBeLessThan(0.005);
        expect(output.raws.every((raw) => raw.mitata === undefined)).toBe(true);
      },
      BURN_SECONDS * 1000,
    );
  },
);
