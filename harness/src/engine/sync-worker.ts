import { setTimeout as delay } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { Registry, type Tags } from "./metrics.ts";
import { makeOpen } from "./script.ts";
import {
  currentVu,
  newGroup,
  sampleTags,
  setEngineState,
  type VuContext,
  vuStorage,
} from "./state.ts";
import { setSyncBridge } from "./sync-bridge.ts";

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
g.__ENV = input.env;
g.__VU = input.vuId;
Object.defineProperty(globalThis, "__ITER", {
  configurable: true,
  get: () => currentVu()?.iter ?? 0,
});
g.open = makeOpen(input.scriptDir);

const initContext: VuContext = {
  vu: input.vuId,
  iter: 0,
  scenario: "",
  iterationInScenario: 0,
  groupPath: "",
  tags: {},
  pendingSleepMs: 0,
};
const exports = (await vuStorage.run(
  initContext,
  () => import(`${pathToFileURL(input.compiled).href}?vu=${input.vuId}`),
)) as Record<string, unknown>;
let iter = 0;

parentPort?.on(
  "message",
  async (message: {
    type: "iterate";
    exec: string;
    data: unknown;
    scenario: string;
    iterationInScenario: number;
    tags: Tags;
  }) => {
    const fn = exports[message.exec];
    const context: VuContext = {
      vu: input.vuId,
      iter: iter++,
      scenario: message.scenario,
      iterationInScenario: message.iterationInScenario,
      groupPath: "",
      tags: message.tags,
      pendingSleepMs: 0,
    };
    let error: string | undefined;
    const started = performance.now();
    await vuStorage.run(context, async () => {
      try {
        if (typeof fn !== "function")
          throw new Error(`function "${message.exec}" is not exported by the script`);
        await fn(message.data);
      } catch (cause) {
        error = (cause as Error)?.message ?? String(cause);
      }
      if (context.pendingSleepMs > 0) await delay(context.pendingSleepMs);
      registry.add("iteration_duration", performance.now() - started, sampleTags());
      registry.add("iterations", 1, sampleTags());
    });
    parentPort?.postMessage({ type: "done", samples: samples.splice(0), error });
  },
);
parentPort?.postMessage({ type: "ready", memory: process.memoryUsage().heapUsed });
