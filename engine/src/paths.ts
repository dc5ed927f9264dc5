import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * ".ts" when the engine runs from its sources (tests, tsx), ".mjs" when it runs from the copy
 * its bin builds (bin/build-engine.mjs): the bin then needs no TypeScript loader, whose hooks
 * thread cost ~30 MB of RSS and its start-up in the main thread and in every worker.
 */
export const SOURCE_EXT = import.meta.url.endsWith(".ts") ? ".ts" : ".mjs";

/** An engine module by its path under src/, without extension. */
export function engineFile(name: string): string {
  return path.join(import.meta.dirname, `${name}${SOURCE_EXT}`);
}

export function engineUrl(name: string): string {
  return pathToFileURL(engineFile(name)).href;
}

/** How to start a worker thread on engine module `name`: directly when built, via tsx otherwise. */
export function workerStart(name: string): { file: string; entry: string | undefined } {
  if (SOURCE_EXT === ".mjs") return { file: engineFile(name), entry: undefined };
  return { file: path.join(import.meta.dirname, "sync-worker-boot.mjs"), entry: engineFile(name) };
}
