import { expose } from "comlink";
import { analyse, makeRows } from "./rows.ts";

const api = {
  analyse(count: number, minPrice: number) {
    return analyse(makeRows(count), minPrice);
  },
};

export type RowsApi = typeof api;
expose(api);
