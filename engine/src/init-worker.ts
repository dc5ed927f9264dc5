import { parentPort, workerData } from "node:worker_threads";
import { installGlobals } from "./globals.ts";
import { Registry } from "./metrics.ts";
import { newGroup, setEngineState } from "./state.ts";
import { initVu } from "./vu.ts";

/** What init-probe.ts hands the probe thread. */
export interface InitWorkerInput {
  compiled: string;
  env: Record<string, string>;
  scriptDir: string;
}

const input = workerData as InitWorkerInput;
// The probe runs the init context once more than k6 would: its output would be a duplicate.
for (const method of ["log", "info", "warn", "error", "debug"] as const) console[method] = () => {};
setEngineState({
  registry: new Registry(),
  env: input.env,
  scriptDir: input.scriptDir,
  rootGroup: newGroup("", ""),
  startedAt: Date.now(),
  userAgent: "",
  log: () => {},
  abort: () => {},
});
installGlobals(input.env, input.scriptDir);
// The first init also loads the shims and compiles the script; the second costs what one more
// VU costs, which is what the VU budget needs (resource-budget.ts).
await initVu(input.compiled, 0);
const before = process.memoryUsage().heapUsed;
const second = await initVu(input.compiled, 0);
const heapBytes = Math.max(0, process.memoryUsage().heapUsed - before);
parentPort?.postMessage({ type: "done", heapBytes, vu: second.id });
