/** A counting semaphore: at most `limit` of the wrapped calls run at once, the rest wait FIFO. */
export function createLimiter(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return async (fn) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await fn();
    } finally {
      release();
    }
  };
}

/**
 * `Promise.allSettled` over `items` with at most `limit` in flight: every item gets an outcome,
 * a failure never cancels the others, and the order of results matches the input.
 */
export function mapSettled<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const limited = createLimiter(limit);
  return Promise.allSettled(items.map((item) => limited(() => fn(item))));
}
