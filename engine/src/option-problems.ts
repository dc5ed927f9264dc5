import { parseDuration } from "./duration.ts";

/** A value as it appears in an error message; never throws, whatever the script exported. */
export function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

/** Collects every problem, each naming the option, as k6 reports config errors (exit 104). */
export class Problems {
  readonly list: string[] = [];
  add(where: string, message: string): void {
    this.list.push(`${where}: ${message}`);
  }
  duration(where: string, value: unknown, fallbackMs: number | undefined, minMs = 0): number {
    if (value === undefined) {
      if (fallbackMs === undefined) this.add(where, "is required");
      return fallbackMs ?? 0;
    }
    const ms = parseDuration(value);
    if (ms === undefined) {
      this.add(where, `${show(value)} is not a duration (e.g. "30s", "1m30s", "500ms")`);
      return 0;
    }
    if (ms < minMs) this.add(where, `must be at least ${minMs / 1000}s, got ${show(value)}`);
    return ms;
  }
  integer(where: string, value: unknown, fallback: number | undefined, min: number): number {
    if (value === undefined) {
      if (fallback === undefined) this.add(where, "is required");
      return fallback ?? 0;
    }
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      this.add(where, `must be an integer >= ${min}, got ${show(value)}`);
      return fallback ?? min;
    }
    return value;
  }
  number(
    where: string,
    value: unknown,
    fallback: number | undefined,
    minExclusive: number,
  ): number {
    if (value === undefined) {
      if (fallback === undefined) this.add(where, "is required");
      return fallback ?? 0;
    }
    if (typeof value !== "number" || !Number.isFinite(value) || value <= minExclusive) {
      this.add(where, `must be a number > ${minExclusive}, got ${show(value)}`);
      return fallback ?? 0;
    }
    return value;
  }
}
