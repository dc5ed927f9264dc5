/** Edit distance (insert, delete, substitute), for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        substitute,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * `did you mean "--profile"? ` for the known name nearest to a mistyped one, when it is close
 * enough to be a typo (at most a third of its letters off); "" otherwise.
 */
export function nearestHint(typed: string, known: readonly string[]): string {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(typed, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best || best.distance > Math.max(2, Math.floor(best.name.length / 3))) return "";
  return `did you mean "${best.name}"? `;
}
