import type { MessagePort } from "node:worker_threads";
import { parentPort } from "node:worker_threads";

/** The channel a sync-mode VU thread blocks on: post a call, wait on `flag`, read `port`. */
export interface SyncBridge {
  flag: Int32Array;
  port: MessagePort;
  post(message: unknown): void;
}

let bridge: SyncBridge | undefined;

export function setSyncBridge(flag: Int32Array, port: MessagePort): void {
  bridge = { flag, port, post: (message) => parentPort?.postMessage(message) };
}

export function syncBridge(): SyncBridge {
  if (!bridge) throw new Error("sync-mode k6/http used outside a VU thread");
  return bridge;
}
