import path from "node:path";

/**
 * The engine loads some of its own files by path at run time: the worker entries and the k6
 * module shims that compiled scripts import. From a clone they are the `.ts` sources (run through
 * tsx); from the published package they are the compiled `.js` files in `dist/`, laid out the
 * same way. This module's own extension says which tree is running.
 */
const EXTENSION = import.meta.url.endsWith(".ts") ? ".ts" : ".js";

/** An engine file by its path under `src/` without extension, e.g. `modules/http`. */
export function engineFile(name: string): string {
  return path.join(import.meta.dirname, `${name}${EXTENSION}`);
}

/** The worker bootstrap: registers tsx for a `.ts` entry, imports a `.js` one directly. */
export const WORKER_BOOT = path.join(import.meta.dirname, "sync-worker-boot.mjs");
