import { describe, expect, it } from "vitest";
import { runStages, type Stage, type StageIo } from "./stage.ts";

describe("runStages", () => {
  // issue 22 H8: Ctrl+C while the app started threw out of the pipeline: no interrupted record.
  it("an interrupt while a required stage waits ends as an interrupted outcome, cleanups run", async () => {
    const controller = new AbortController();
    const log: string[] = [];
    const context: StageIo = { signal: controller.signal, log: (line) => log.push(line) };
    let cleaned = false;
    const app: Stage<StageIo> = {
      id: "app-ready",
      unit: { kind: "load", tool: "app" },
      required: true,
      skip: () => undefined,
      describe: () => "app: waiting until it serves",
      run: ({ signal }) =>
        new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
      cleanup: async () => {
        cleaned = true;
      },
    };
    setTimeout(() => controller.abort(new Error("interrupted by SIGINT")), 20);
    const outcome = await runStages([app], context);
    expect(outcome).toMatchObject({ interrupted: true, suites: [] });
    expect(cleaned).toBe(true);
    expect(log).toContain("app-ready: stopped (interrupted)");
  });

  it("a required stage that fails without an interrupt still stops the run", async () => {
    const context: StageIo = { signal: new AbortController().signal, log: () => {} };
    const app: Stage<StageIo> = {
      id: "app",
      unit: { kind: "load", tool: "app" },
      required: true,
      skip: () => undefined,
      describe: () => "app",
      run: async () => {
        throw new Error("port taken");
      },
    };
    await expect(runStages([app], context)).rejects.toThrow("port taken");
  });
});
