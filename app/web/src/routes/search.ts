import { wrap } from "comlink";
import type { RowsApi } from "../workers/rows.worker.ts";

/** Search crunches 100k rows in a Comlink worker so the main thread stays responsive. */
export async function render(root: HTMLElement): Promise<void> {
  const worker = new Worker(new URL("../workers/rows.worker.ts", import.meta.url), {
    type: "module",
  });
  const api = wrap<RowsApi>(worker);
  const shared = globalThis.crossOriginIsolated === true;
  let result: { count: number; top: number[]; totals: number[] };
  if (shared) {
    const totals = new SharedArrayBuffer(20 * Float64Array.BYTES_PER_ELEMENT);
    const head = await api.analyseShared(100_000, 5_000, totals);
    result = { ...head, totals: Array.from(new Float64Array(totals)) };
  } else {
    result = await api.analyse(100_000, 5_000);
  }
  worker.terminate();
  const summary = document.createElement("p");
  summary.id = "search-result";
  summary.dataset.result = JSON.stringify(result);
  summary.dataset.path = shared ? "shared-memory" : "message";
  summary.textContent = `${result.count} rows at or above $50.00; cheapest ids ${result.top.join(", ")}`;
  root.replaceChildren(summary);
}
