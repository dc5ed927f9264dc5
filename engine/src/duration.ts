/**
 * k6 duration strings: `1h2m3s`, `500ms`, `1.5s`, `2m`, or a bare number of milliseconds
 * (k6 accepts numbers as ms). Returns milliseconds, or undefined when malformed.
 */
export function parseDuration(input: unknown): number | undefined {
  if (typeof input === "number") return Number.isFinite(input) && input >= 0 ? input : undefined;
  if (typeof input !== "string") return undefined;
  const text = input.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const unitMs: Record<string, number> = {
    h: 3_600_000,
    m: 60_000,
    s: 1000,
    ms: 1,
    us: 0.001,
    µs: 0.001,
    ns: 0.000001,
  };
  let total = 0;
  let rest = text;
  while (rest.length > 0) {
    const match = rest.match(/^(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/);
    if (!match) return undefined;
    total += Number(match[1]) * (unitMs[match[2] as string] ?? Number.NaN);
    rest = rest.slice(match[0].length);
  }
  return Number.isFinite(total) ? total : undefined;
}

/** `1m30s` style, as k6 prints durations. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const secondsText = Number.isInteger(seconds) ? `${seconds}s` : `${seconds.toFixed(1)}s`;
  return `${hours ? `${hours}h` : ""}${hours || minutes ? `${minutes}m` : ""}${secondsText}`;
}
