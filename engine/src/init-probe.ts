import v8 from "node:v8";
import { Worker } from "node:worker_threads";
import type { InitWorkerInput } from "./init-worker.ts";
import { workerStart } from "./paths.ts";

/**
 * Runs a script's init context first on a thread of its own, which can be ended: an init that
 * never returns would otherwise block the main thread, where no SIGINT/SIGTERM handler runs
 * again, and one that allocates without end would abort the process with V8's heap OOM.
 */
export type InitProbe =
  | { ok: true; heapMb: number }
  | { ok: false; kind: "interrupted" | "memory" | "failed"; message: string };

export interface InitProbeInput extends InitWorkerInput {
  signal: AbortSignal;
  heapLimitMb: number;
}

/** The probe thread's heap limit: the budget, and at most half of this thread's own limit. */
export function probeHeapLimitMb(budgetMb: number): number {
  const mainLimitMb = v8.getHeapStatistics().heap_size_limit / 1024 / 1024;
  return Math.max(64, Math.floor(Math.min(budgetMb, mainLimitMb / 2)));
}

export async function probeInit(input: InitProbeInput): Promise<InitProbe> {
  const { signal, heapLimitMb, ...data } = input;
  if (signal.aborted) return interrupted(signal);
  const start = workerStart("init-worker");
  const worker = new Worker(start.file, {
    workerData: { entry: start.entry, ...data },
    resourceLimits: { maxOldGenerationSizeMb: heapLimitMb },
    stdout: true,
    stderr: true,
  });
  // Its console is silenced; anything else it prints is dropped with it.
  worker.stdout.resume();
  worker.stderr.resume();
  let onAbort: () => void = () => {};
  const outcome = await new Promise<InitProbe>((resolve) => {
    onAbort = () => resolve(interrupted(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    worker.once("message", (message: { heapBytes: number }) =>
      resolve({ ok: true, heapMb: message.heapBytes / 1024 / 1024 }),
    );
    worker.once("error", (error: Error & { code?: string }) =>
      resolve(
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? {
              ok: false,
              kind: "memory",
              message: `the init context ran out of memory (heap limit ${heapLimitMb} MB); it allocates without bound, or set PERFGATE_ENGINE_MEMORY_MB`,
            }
          : // The loop guard's own stop (modules/runtime.ts) before the limit.
            {
              ok: false,
              kind: error.message?.includes("ran out of memory") ? "memory" : "failed",
              message: error.message,
            },
      ),
    );
    worker.once("exit", (code) =>
      resolve({ ok: false, kind: "failed", message: `the init thread exited (${code})` }),
    );
  });
  signal.removeEventListener("abort", onAbort);
  await worker.terminate();
  return outcome;
}

function interrupted(signal: AbortSignal): InitProbe {
  const reason = signal.reason instanceof Error ? signal.reason.message : "interrupted";
  return { ok: false, kind: "interrupted", message: `init ${reason}` };
}
