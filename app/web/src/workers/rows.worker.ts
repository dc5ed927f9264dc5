import { expose } from "comlink";
import { analyse, makeRows } from "./rows.ts";

const api = {
  analyse(count: number, minPrice: number) {
    return analyse(makeRows(count), minPrice);
  },
  /**
   * Cross-origin isolated pages share memory with the worker: the per-category totals are
   * written straight into the caller's SharedArrayBuffer instead of being copied back.
   */
  analyseShared(count: number, minPrice: number, totals: SharedArrayBuffer) {
    const result = analyse(makeRows(count), minPrice);
    new Float64Array(totals).set(result.totals);
    return { count: result.count, top: result.top };
  },
};

export type RowsApi = typeof api;
expose(api);
