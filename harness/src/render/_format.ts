import type { Unit } from "../schema/index.ts";

/** Fixed, unit-aware number formatting shared by every renderer, so tables line up across runs. */
export function formatValue(value: number | undefined, unit: Unit): string {
  if (value === undefined) return "—";
  switch (unit) {
    case "ms":
      return value < 10
        ? `${value.toFixed(3)} ms`
        : value < 1000
          ? `${value.toFixed(1)} ms`
          : `${(value / 1000).toFixed(2)} s`;
    case "us":
      return `${value.toFixed(1)} µs`;
    case "ns":
      return `${value.toFixed(0)} ns`;
    case "s":
      return `${value.toFixed(2)} s`;
    case "bytes":
      return value < 1024
        ? `${value} B`
        : value < 1024 ** 2
          ? `${(value / 1024).toFixed(1)} KiB`
          : `${(value / 1024 ** 2).toFixed(2)} MiB`;
    case "ratio":
      return `${(value * 100).toFixed(2)}%`;
    case "times":
      return `${value.toFixed(2)}×`;
    case "percent":
      return `${value.toFixed(2)}%`;
    case "count":
      return Number.isInteger(value) ? String(value) : value.toFixed(2);
    case "score":
      return value.toFixed(2);
    case "req/s":
    case "ops/s":
    case "iter/s":
      return `${value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(2)} ${unit}`;
    case "MB":
      return `${value.toFixed(1)} MB`;
    case "MB/min":
      return `${value.toFixed(2)} MB/min`;
    case "instr/op":
    case "cycles/op":
      return `${value >= 100 ? value.toFixed(1) : value.toFixed(3)} ${unit}`;
  }
}

export function formatDuration(seconds: number): string {
  return seconds < 60
    ? `${seconds.toFixed(1)} s`
    : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** A suite's metric as `median` (or `value`) with the better direction, e.g. `0.612 ms ↓`. */
export function directionMark(direction: "lower" | "higher"): string {
  return direction === "lower" ? "↓" : "↑";
}
