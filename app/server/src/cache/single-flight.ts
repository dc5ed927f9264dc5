/**
 * Coalesces concurrent loads of the same key: while one load is in flight, every other caller
 * for that key awaits the same promise, so a stampede on a cold key costs one query.
 */
export class SingleFlight<K, V> {
  private readonly inFlight = new Map<K, Promise<V>>();
  /** Callers that joined an existing flight instead of starting one. */
  joined = 0;

  run(key: K, load: () => Promise<V>): Promise<V> {
    const current = this.inFlight.get(key);
    if (current) {
      this.joined++;
      return current;
    }
    const flight = load().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, flight);
    return flight;
  }

  get size(): number {
    return this.inFlight.size;
  }
}
