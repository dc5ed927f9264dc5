/** Heavy client work shared by the worker and the main thread (so results can be compared). */
export interface Row {
  id: number;
  category: number;
  price: number;
}

export function makeRows(count: number, seed = 1): Row[] {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  return Array.from({ length: count }, (_, id) => ({
    id,
    category: Math.floor(random() * 20),
    price: Math.round(random() * 10_000),
  }));
}

/** Filter by minimum price, sort by price then id, aggregate the total per category. */
export function analyse(
  rows: readonly Row[],
  minPrice: number,
): { count: number; top: number[]; totals: number[] } {
  const kept = rows
    .filter((r) => r.price >= minPrice)
    .sort((a, b) => a.price - b.price || a.id - b.id);
  const totals = new Array<number>(20).fill(0);
  for (const row of kept) totals[row.category] = (totals[row.category] ?? 0) + row.price;
  return { count: kept.length, top: kept.slice(0, 5).map((r) => r.id), totals };
}
