/** Terminal width every table must fit (issue 18: 100 columns). */
export const TERMINAL_WIDTH = 100;

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * Aligned columns that fit `width` (indent included): when the natural widths are too wide, the
 * widest left-aligned column gives way first and its cells are cut with `…` (the full text is in
 * report.md). Numbers (right-aligned) are never cut.
 */
export function fitColumns(
  rows: string[][],
  rightAligned: ReadonlySet<number>,
  indent = 2,
  /** Columns that give way first, in order (each down to 12 characters); then the widest. */
  cutFirst: readonly number[] = [],
  width = TERMINAL_WIDTH,
): string[] {
  const widths =
    rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length))) ?? [];
  const total = () => indent + widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  for (const i of cutFirst) {
    while (total() > width && (widths[i] ?? 0) > 12) widths[i] = (widths[i] ?? 0) - 1;
  }
  while (total() > width) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (!rightAligned.has(i) && w > 8 && (widest === -1 || w > (widths[widest] ?? 0))) widest = i;
    });
    if (widest === -1) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  return rows.map(
    (row) =>
      " ".repeat(indent) +
      row
        .map((cell, i) => {
          const w = widths[i] ?? 0;
          return rightAligned.has(i) ? cut(cell, w).padStart(w) : cut(cell, w).padEnd(w);
        })
        .join("  ")
        .trimEnd(),
  );
}
