import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadStarted } from "./faults.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "perfgate-faults-stage-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loadStarted", () => {
  // issue 22 H4: an engine that failed (exit 130 after Ctrl+C) left an unhandled rejection.
  it("an engine run that fails ends the wait without an unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const failed = Promise.reject(new Error("engine exited 130"));
      failed.catch(() => {}); // the caller's own handler, as in runFaultsStage
      const started = await loadStarted(
        path.join(dir, "never-written.ndjson"),
        failed,
        new AbortController().signal,
      );
      expect(started).toBeUndefined();
      // Unhandled rejections are reported after the microtask queue drains.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
