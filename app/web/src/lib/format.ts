/** Prices are integers in cents in the API. */
export function formatPrice(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

/**
 * Deliberately unused: the bundle test proves tree shaking drops it (its marker string must not
 * appear in any built chunk).
 */
export function unusedHelper(): string {
  return "PERFGATE_UNUSED_EXPORT_MARKER";
}
