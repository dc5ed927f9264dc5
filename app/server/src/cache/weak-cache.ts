/**
 * A cache for large derived objects (rendered thumbnails) that never keeps them alive: entries
 * are WeakRefs, and a FinalizationRegistry drops the key once the GC has collected the value.
 * Under memory pressure the GC reclaims them; otherwise repeated requests share one object.
 */
export class WeakCache<K, V extends object> {
  private readonly refs = new Map<K, WeakRef<V>>();
  private readonly registry = new FinalizationRegistry<K>((key) => {
    // The key may have been re-set to a new, live object since this one was registered.
    const ref = this.refs.get(key);
    if (ref && ref.deref() === undefined) this.refs.delete(key);
    this.collected++;
  });
  hits = 0;
  misses = 0;
  collected = 0;

  get(key: K): V | undefined {
    const value = this.refs.get(key)?.deref();
    if (value === undefined) this.misses++;
    else this.hits++;
    return value;
  }

  set(key: K, value: V): void {
    this.refs.set(key, new WeakRef(value));
    this.registry.register(value, key);
  }

  /** Keys whose value may still be alive (collected ones leave after finalization runs). */
  get size(): number {
    return this.refs.size;
  }
}
