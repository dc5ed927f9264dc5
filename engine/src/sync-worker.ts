import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { defineEnvGlobal } from "./globals.ts";
import { Registry, type Tags } from "./metrics.ts";
import { makeOpen } from "./open.ts";
import {
  currentVu,
  isInterrupted,
  newGroup,
  setEngineState,
  setScenarioDeadline,
  vuStorage,
} from "./state.ts";
import { setSyncBridge } from "./sync-bridge.ts";
import { executeIteration, initVu, iterationContext } from "./vu.ts";

/** One sync-mode VU: its own thread, its own init context, blocking k6 APIs. */
interface WorkerInput {
  compiled: string;
  vuId: number;
  env: Record<string, string>;
  scriptDir: string;
  flag: SharedArrayBuffer;
  port: MessagePort;
}

const input = workerData as WorkerInput;
const samples: [string, number, Tags][] = [];
const registry = new Registry();
registry.onSample = (def, value, tags) => {
  samples.push([def.name, value, tags]);
};
setEngineState({
  registry,
  env: input.env,
  scriptDir: input.scriptDir,
  rootGroup: newGroup("", ""),
  startedAt: Date.now(),
  userAgent: "k6/0.48.0 (https://k6.io/) perfgate-engine",
  abort: (reason, code) => parentPort?.postMessage({ type: "abort", reason, code }),
});
setSyncBridge(new Int32Array(input.flag), input.port);
const g = globalThis as Record<string, unknown>;
g.__perfgateSyncMode = true;
defineEnvGlobal(input.env);
g.__VU = input.vuId;
Object.defineProperty(globalThis, "__ITER", {
  configurable: true,
  get: () => currentVu()?.iter ?? 0,
});
g.open = makeOpen(input.scriptDir);

const { exports } = await initVu(input.compiled, input.vuId);
let iter = 0;

/** setup()/teardown() on this thread, so their k6/http calls block like an iteration's. */
async function callLifecycle(fn: string, data: unknown): Promise<void> {
  const context = {
    ...iterationContext(0, 0, { name: fn, tags: {}, env: {} }, 0),
    groupPath: `::${fn}`,
  };
  let value: string | undefined;
  let error: string | undefined;
  await vuStorage.run(context, async () => {
    try {
      const result = await (exports[fn] as (d: unknown) => unknown)(data);
      value = result === undefined ? undefined : JSON.stringify(result);
    } catch (cause) {
      error = (cause as Error)?.message ?? String(cause);
    }
  });
  parentPort?.postMessage({ type: "done", samples: samples.splice(0), error, value });
}

parentPort?.on(
  "message",
  async (message: {
    type: "iterate" | "call";
    exec: string;
    data: unknown;
    scenario: string;
    executor: string;
    iterationInScenario: number;
    tags: Tags;
    env: Record<string, string>;
    deadline: number | undefined;
  }) => {
    if (message.type === "call") return callLifecycle(message.exec, message.data);
    if (message.deadline !== undefined) setScenarioDeadline(message.scenario, message.deadline);
    const context = iterationContext(
      input.vuId,
      iter++,
      { name: message.scenario, executor: message.executor, tags: message.tags, env: message.env },
      message.iterationInScenario,
    );
    const error = await executeIteration(
      exports[message.exec],
      message.exec,
      context,
      message.data,
    );
    // The loop guard may have cut the iteration off here before the main thread's hard stop.
    const interrupted = isInterrupted(message.scenario, message.iterationInScenario);
    parentPort?.postMessage({ type: "done", samples: samples.splice(0), error, interrupted });
  },
);
parentPort?.postMessage({ type: "ready", memory: process.memoryUsage().heapUsed });
