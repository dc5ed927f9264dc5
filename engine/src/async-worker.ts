import { parentPort, workerData } from "node:worker_threads";
import { type ExecutorContext, runScenarioPlan } from "./executors.ts";
import { installGlobals } from "./globals.ts";
import { parseHttpOptions } from "./http-options.ts";
import { snapshotRegistry } from "./merge.ts";
import { Registry } from "./metrics.ts";
import { configureHostGuard, configureTransport } from "./modules/transport.ts";
import { plannedVus, type ScenarioPlan } from "./options.ts";
import { transportSettings } from "./run-options.ts";
import { engineState, newGroup, scenarioProgress, setEngineState } from "./state.ts";
import { parseThresholds } from "./thresholds.ts";
import { type EngineVu, initAsyncVu, initVu } from "./vu.ts";
import { ASYNC_START_BATCH, startVus, WarmVus } from "./vu-startup.ts";

/** What the main thread hands one async-mode thread (threads.ts). */
export interface AsyncWorkerInput {
  compiled: string;
  env: Record<string, string>;
  scriptDir: string;
  /** This thread's execution segment of every scenario. */
  plans: ScenarioPlan[];
  /** The script's raw `thresholds`, so this registry keeps the same sub-metrics. */
  thresholds: unknown;
  setupData: unknown;
  threadIndex: number;
  threadCount: number;
  userAgent: string;
  allowHosts: string[];
}

const input = workerData as AsyncWorkerInput;
const port = parentPort;
if (!port) throw new Error("async-worker.ts must run on a worker thread");
const registry = new Registry();
const rootGroup = newGroup("", "");
const abortController = new AbortController();
setEngineState({
  registry,
  env: input.env,
  scriptDir: input.scriptDir,
  rootGroup,
  startedAt: Date.now(),
  userAgent: input.userAgent,
  log: (line) => port.postMessage({ type: "log", message: line }),
  // The main thread decides for the whole test and tells every thread to stop.
  abort: (reason, code) => port.postMessage({ type: "abort", reason, code }),
});
installGlobals(input.env, input.scriptDir);
configureHostGuard(input.allowHosts);
// Custom metrics are defined by the init context; thresholds on them need them first.
const first = await initVu(input.compiled, 0);
// The main thread has validated the options; this thread only applies them.
const http = parseHttpOptions({ ...(first.exports.options ?? {}) }).options;
engineState().http = http;
configureTransport(transportSettings(http));
if (input.thresholds !== undefined) parseThresholds(input.thresholds, registry);

// VU ids are unique across threads: thread i owns i+1, i+1+n, i+1+2n, …
let local = 0;
const nextId = () => local++ * input.threadCount + input.threadIndex + 1;
// Listening before the VUs start: a stop while 100,000 of them start ends start-up.
let markStarted: () => void = () => {};
const started = new Promise<void>((resolve) => {
  markStarted = resolve;
});
port.on("message", (message: { type: string }) => {
  if (message.type === "start") markStarted();
  else if (message.type === "abort") abortController.abort();
  else if (message.type === "snapshot")
    port.postMessage({ type: "snapshot", snapshot: snapshotRegistry(registry, rootGroup) });
});
const planned = plannedVus(input.plans);
const warmList: EngineVu[] = await startVus(planned, () => initAsyncVu(input.compiled, nextId()), {
  batch: ASYNC_START_BATCH,
  signal: abortController.signal,
});
const warm = new WarmVus(warmList);
const vuCount = { active: 0, initialized: 0 };
const context: ExecutorContext = {
  createVu: async (id) => warm.take() ?? initAsyncVu(input.compiled, id),
  data: input.setupData,
  signal: abortController.signal,
  log: (message) => port.postMessage({ type: "log", message }),
  nextVuId: () => (warm.left > 0 ? 0 : nextId()),
  vuCount,
};

port.postMessage({ type: "ready" });
await started;
const postProgress = () =>
  port.postMessage({
    type: "progress",
    active: vuCount.active,
    initialized: vuCount.initialized,
    scenarios: [...scenarioProgress],
  });
const ticker = setInterval(() => {
  registry.add("vus", vuCount.active, {});
  registry.add("vus_max", vuCount.initialized, {});
}, 1000);
// The main thread draws the live progress from these (progress.ts).
const progressTicker = setInterval(postProgress, 250);
try {
  await Promise.all(input.plans.map((plan) => runScenarioPlan(plan, context)));
} finally {
  clearInterval(ticker);
  clearInterval(progressTicker);
  postProgress();
  registry.add("vus", 0, {});
  registry.add("vus_max", vuCount.initialized, {});
}
registry.frozen = true;
port.postMessage({
  type: "done",
  snapshot: snapshotRegistry(registry, rootGroup),
  initialized: vuCount.initialized,
});
// Iterations abandoned at a hard stop may hold sockets open; the main thread terminates us.
