import { MessageChannel, Worker } from "node:worker_threads";
import { engineFile, WORKER_BOOT } from "./files.ts";
import type { Tags } from "./metrics.ts";
import { type Params, request } from "./modules/http.ts";
import { countCheck, touchGroup } from "./modules/k6.ts";
import type { ScenarioPlan } from "./options.ts";
import { engineState, isInterrupted, vuStorage } from "./state.ts";

type Done = { type: "done"; samples: [string, number, Tags][]; error?: string; value?: string };

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
  readonly ready: Promise<void>;

  constructor(
    readonly id: number,
    compiled: string,
    env: Record<string, string>,
    scriptDir: string,
  ) {
    const shared = new SharedArrayBuffer(4);
    this.flag = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_BOOT, {
      workerData: {
        entry: engineFile("sync-worker"),
        compiled,
        vuId: id,
        env,
        scriptDir,
        flag: shared,
        port: port2,
      },
      transferList: [port2],
    });
    this.worker.unref();
    this.ready = new Promise((resolve, reject) => {
      this.worker.once("error", reject);
      this.worker.on("message", (message: { type: string }) => {
        if (message.type === "ready") resolve();
        else if (message.type === "http") void this.serveHttp(message as never);
        else if (message.type === "abort") {
          const { reason, code } = message as unknown as { reason: string; code: number };
          engineState().abort(reason, code);
        } else if (message.type === "done") this.pending?.(message as Done);
      });
    });
  }

  private async serveHttp(message: {
    context: { scenario: string; groupPath: string; tags: Tags; vu: number; iter: number };
    method: string;
    target: string | { url: string; name: string };
    body: unknown;
    params: Params;
  }) {
    const { context } = message;
    const target =
      typeof message.target === "string"
        ? message.target
        : { ...message.target, toString: () => (message.target as { url: string }).url };
    const response = await vuStorage.run(
      {
        vu: context.vu,
        iter: context.iter,
        scenario: context.scenario,
        iterationInScenario: 0,
        groupPath: context.groupPath,
        tags: context.tags,
        pendingSleepMs: 0,
      },
      () => request(message.method, target, message.body, message.params),
    );
    this.port.postMessage({
      response: [
        response.url,
        response.status,
        response.headers,
        response.body,
        response.timings,
        response.request,
        response.error,
        response.error_code,
      ],
    });
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
    const done = await new Promise<Done>((resolve) => {
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
      });
    });
    // An iteration cut off at its scenario's hard stop reports nothing, as in k6.
    if (isInterrupted(plan.name, iterationInScenario)) return;
    this.absorb(done);
    if (done.error) log(`Uncaught error in VU ${this.id} (scenario ${plan.name}): ${done.error}`);
  }

  /**
   * Runs the script's `setup` or `teardown` on this VU's thread (its k6/http calls block, as k6
   * scripts expect there too) and returns its JSON-copied result; throws what the function threw.
   */
  async call(fn: "setup" | "teardown", data: unknown): Promise<unknown> {
    const done = await new Promise<Done>((resolve) => {
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
