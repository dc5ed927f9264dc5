// Worker threads do not inherit tsx's loader: a `.ts` entry (running from a clone) registers it
// first; the compiled `.js` entry of the published package is imported directly.
import { workerData } from "node:worker_threads";

if (workerData.entry.endsWith(".ts")) {
  const { register } = await import("tsx/esm/api");
  register();
}
await import(workerData.entry);
