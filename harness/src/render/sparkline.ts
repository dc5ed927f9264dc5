const BARS = "▁▂▃▄▅▆▇█";

/** Unicode sparkline of a series, scaled to its own min..max. */
export function renderSparkline(values: readonly number[]): string {
  if (values.length === 0) return "";
  const min = Math.min(...values);
  const max = Math.max(...values);
  return values
    .map((v) =>
      max === min ? BARS[3] : BARS[Math.round(((v - min) / (max - min)) * (BARS.length - 1))],
    )
    .join("");
}
