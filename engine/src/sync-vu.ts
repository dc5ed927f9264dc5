import { MessageChannel, Worker } from "node:worker_threads";
import type { Tags } from "./metrics.ts";
import { runJarOp } from "./modules/cookies.ts";
import { limitedBatch, requestRaw } from "./modules/http.ts";
import type { BridgeCall, CallContext } from "./modules/http-sync.ts";
import { countCheck, touchGroup } from "./modules/k6.ts";
import type { ScenarioPlan } from "./options.ts";
import { workerStart } from "./paths.ts";
import { K6_EXIT } from "./run-context.ts";
import {
  engineState,
  interruptIteration,
  isInterrupted,
  scenarioDeadline,
  vuStorage,
} from "./state.ts";
import { padIteration } from "./vu.ts";

/** A sync-mode VU's call, done on this thread: requests (a batch in parallel) or a jar method. */
function answer(call: BridgeCall): Promise<unknown> | unknown {
  if (call.type === "jar") return runJarOp(call.handle, call.op as never, call.args);
  const send = (i: number) => {
    const r = call.requests[i] as (typeof call.requests)[number];
    const target =
      typeof r.target === "string"
        ? r.target
        : { ...r.target, toString: () => (r.target as { url: string }).url };
    return requestRaw(r.method, target, r.body, r.params, call.callback);
  };
  if (call.single) return send(0).then((data) => [data]);
  return limitedBatch(
    call.requests.map((r) => {
      try {
        return new URL(typeof r.target === "string" ? r.target : r.target.url).host;
      } catch {
        return "";
      }
    }),
    send,
  );
}

type Done = {
  type: "done";
  samples: [string, number, Tags][];
  error?: string;
  value?: string;
  /** The VU's thread interrupted the iteration itself (its loop guard at the hard stop). */
  interrupted?: boolean;
};

/**
 * The engine side of a sync-mode VU: a worker thread that blocks on each HTTP call while this
 * (I/O) thread performs it with undici and records its metrics under the VU's tags.
 */
export class SyncVu {
  iter = 0;
  private readonly worker: Worker;
  private readonly flag: Int32Array;
  private readonly port: MessageChannel["port1"];
  private pending: ((done: Done) => void) | undefined;
  /** Why the VU's thread is gone; its calls then fail at once. */
  private dead: string | undefined;
  readonly ready: Promise<void>;

  constructor(
    readonly id: number,
    compiled: string,
    env: Record<string, string>,
    scriptDir: string,
    heapLimitMb?: number,
  ) {
    const shared = new SharedArrayBuffer(4);
    this.flag = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const start = workerStart("sync-worker");
    this.worker = new Worker(start.file, {
      workerData: {
        entry: start.entry,
        compiled,
        vuId: id,
        env,
        scriptDir,
        flag: shared,
        port: port2,
      },
      transferList: [port2],
      ...(heapLimitMb ? { resourceLimits: { maxOldGenerationSizeMb: heapLimitMb } } : {}),
    });
    this.worker.unref();
    this.worker.once("error", (error) => this.died(error, heapLimitMb));
    this.ready = new Promise((resolve, reject) => {
      this.worker.once("error", reject);
      this.worker.on("message", (message: { type: string }) => {
        if (message.type === "ready") resolve();
        else if (message.type === "bridge") void this.serveBridge(message as never);
        else if (message.type === "abort") {
          const { reason, code } = message as unknown as { reason: string; code: number };
          engineState().abort(reason, code);
        } else if (message.type === "done") this.pending?.(message as Done);
      });
    });
  }

  /**
   * The VU's thread died (out of its heap, or crashed): the iteration waiting on it ends with
   * the error, and the test is aborted (k6's 107) with its summary, not left waiting on a dead VU.
   */
  private died(error: Error & { code?: string }, heapLimitMb: number | undefined): void {
    const reason =
      error.code === "ERR_WORKER_OUT_OF_MEMORY"
        ? `VU ${this.id} ran out of memory (its thread's heap limit is ${heapLimitMb} MB, a share of the engine's memory budget; set PERFGATE_ENGINE_MEMORY_MB to raise it)`
        : `VU ${this.id}'s thread failed: ${error.message}`;
    this.dead = reason;
    engineState().abort(reason, K6_EXIT.scriptException);
    this.pending?.({ type: "done", samples: [], error: reason });
  }

  /** Serves a VU thread's k6/http call (http-sync.ts) here, with the VU's tags and cookie jar. */
  private async serveBridge(message: { context: CallContext; call: BridgeCall }) {
    const { context, call } = message;
    const vuContext = {
      vu: context.vu,
      iter: context.iter,
      scenario: context.scenario,
      iterationInScenario: 0,
      groupPath: context.groupPath,
      tags: context.tags,
      pendingSleepMs: 0,
    };
    let reply: { value?: unknown; thrown?: string };
    try {
      const value = await vuStorage.run(vuContext, () => answer(call));
      reply = { value };
    } catch (error) {
      reply = { thrown: (error as Error)?.message ?? String(error) };
    }
    this.port.postMessage(reply);
    Atomics.store(this.flag, 0, 1);
    Atomics.notify(this.flag, 0);
  }

  /** Runs one iteration on the VU's thread; its samples join the engine's metrics. */
  async runIteration(
    plan: ScenarioPlan,
    iterationInScenario: number,
    data: unknown,
    log: (message: string) => void,
  ): Promise<void> {
    this.iter += 1;
    const started = performance.now();
    const done = await new Promise<Done>((resolve) => {
      if (this.dead) return resolve({ type: "done", samples: [], error: this.dead });
      this.pending = resolve;
      this.worker.postMessage({
        type: "iterate",
        exec: plan.exec,
        data,
        scenario: plan.name,
        executor: plan.executor,
        iterationInScenario,
        tags: plan.tags,
        env: plan.env,
        deadline: scenarioDeadline(plan.name),
      });
    });
    // An iteration cut off at its scenario's hard stop reports nothing, as in k6.
    if (done.interrupted) interruptIteration(plan.name, iterationInScenario);
    if (isInterrupted(plan.name, iterationInScenario)) return;
    this.absorb(done);
    if (done.error) log(`Uncaught error in VU ${this.id} (scenario ${plan.name}): ${done.error}`);
    await padIteration(plan.name, iterationInScenario, started);
  }

  /**
   * Runs the script's `setup` or `teardown` on this VU's thread (its k6/http calls block, as k6
   * scripts expect there too) and returns its JSON-copied result; throws what the function threw.
   */
  async call(fn: "setup" | "teardown", data: unknown): Promise<unknown> {
    const done = await new Promise<Done>((resolve) => {
      if (this.dead) return resolve({ type: "done", samples: [], error: this.dead });
      this.pending = resolve;
      this.worker.postMessage({ type: "call", exec: fn, data });
    });
    this.absorb(done);
    if (done.error !== undefined) throw new Error(done.error);
    return done.value === undefined ? undefined : JSON.parse(done.value);
  }

  /** The thread's samples and check outcomes join the engine's metrics. */
  private absorb(done: Done): void {
    const registry = engineState().registry;
    for (const [name, value, tags] of done.samples) {
      if (name === "checks" && tags.check !== undefined)
        countCheck(tags.group ?? "", tags.check, value !== 0);
      if (name === "group_duration") touchGroup(tags.group ?? "");
      registry.add(name, value, tags);
    }
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
