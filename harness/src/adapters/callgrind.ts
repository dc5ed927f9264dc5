/**
 * Callgrind's dump files -> event counts, and the cycle estimate from simulated cache misses.
 * Pure: the runner reads the files, this reads their text.
 */

/** Callgrind's events with `--cache-sim=yes` (without it only `Ir` is present). */
export const CALLGRIND_EVENTS = [
  "Ir",
  "Dr",
  "Dw",
  "I1mr",
  "D1mr",
  "D1mw",
  "ILmr",
  "DLmr",
  "DLmw",
] as const;
export type CallgrindEvent = (typeof CALLGRIND_EVENTS)[number];
export type CallgrindCounts = Partial<Record<CallgrindEvent, number>>;

/**
 * The `events:` and `summary:` (or `totals:`) lines of one callgrind dump: the events counted
 * since the previous dump, over every thread of the process.
 *
 * @throws Error naming what is missing when the text is not a callgrind dump.
 */
export function parseCallgrindDump(text: string): CallgrindCounts {
  const events = /^events:\s*(.+)$/m.exec(text)?.[1]?.trim().split(/\s+/);
  const totals = (/^summary:\s*(.+)$/m.exec(text) ?? /^totals:\s*(.+)$/m.exec(text))?.[1]
    ?.trim()
    .split(/\s+/)
    .map(Number);
  if (!events || !totals) throw new Error("not a callgrind dump: no events:/summary: line");
  const counts: CallgrindCounts = {};
  events.forEach((name, i) => {
    if ((CALLGRIND_EVENTS as readonly string[]).includes(name))
      counts[name as CallgrindEvent] = totals[i] ?? 0;
  });
  if (counts.Ir === undefined) throw new Error("not a callgrind dump: no Ir event");
  return counts;
}

/** Per-call counts from a region of `calls` calls and one of `2·calls`: fixed costs cancel. */
export function perCallCounts(
  single: CallgrindCounts,
  double: CallgrindCounts,
  calls: number,
): CallgrindCounts {
  const out: CallgrindCounts = {};
  for (const name of CALLGRIND_EVENTS) {
    const a = single[name];
    const b = double[name];
    if (a !== undefined && b !== undefined) out[name] = (b - a) / calls;
  }
  return out;
}

/**
 * Estimated cycles from the simulated cache, the model of the iai crate and of tools built on
 * it (CodSpeed's CPU simulation reports "an equivalent of the CPU cycles that includes cache and
 * memory access" without publishing its weights): every access costs 1 cycle when it hits L1,
 * 5 when it hits the last level, 35 when it goes to RAM. Accesses = instruction fetches + data
 * reads + data writes. Undefined without cache simulation.
 */
export function estimatedCycles(counts: CallgrindCounts): number | undefined {
  const { Ir, Dr, Dw, I1mr, D1mr, D1mw, ILmr, DLmr, DLmw } = counts;
  if (
    [Ir, Dr, Dw, I1mr, D1mr, D1mw, ILmr, DLmr, DLmw].some((v) => v === undefined) ||
    Ir === undefined
  )
    return undefined;
  const accesses = Ir + (Dr as number) + (Dw as number);
  const l1Misses = (I1mr as number) + (D1mr as number) + (D1mw as number);
  const ram = (ILmr as number) + (DLmr as number) + (DLmw as number);
  const llHits = l1Misses - ram;
  const l1Hits = accesses - l1Misses;
  return l1Hits + 5 * llHits + 35 * ram;
}
