/**
 * Splits items into consecutive batches of `size` (the last one may be shorter), the unit of
 * work for batch jobs: each batch is processed and reported as one progress step.
 *
 * @throws RangeError when `size` is not a positive integer, rather than looping forever or
 *   returning one giant batch.
 */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`chunk: size must be a positive integer, got ${size}`);
  }
  const batches: T[][] = new Array(Math.ceil(items.length / size));
  for (let b = 0, start = 0; start < items.length; b++, start += size) {
    batches[b] = items.slice(start, start + size);
  }
  return batches;
}

/** Like {@link chunk} for any iterable (generators, streams of ids), yielding batches lazily. */
export function chunkIterable<T>(items: Iterable<T>, size: number): Generator<T[], void, void> {
  // Checked here, not in the generator, so a bad size throws at the call rather than later.
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`chunkIterable: size must be a positive integer, got ${size}`);
  }
  return batches(items, size);
}

function* batches<T>(items: Iterable<T>, size: number): Generator<T[], void, void> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
