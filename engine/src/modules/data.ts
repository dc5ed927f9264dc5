const shared = new Map<string, readonly unknown[]>();

/** `k6/data` SharedArray: built once per process, read-only for every VU. */
export class SharedArray<T> {
  constructor(name: string, build: () => T[]) {
    let data = shared.get(name);
    if (!data) {
      const built = build();
      if (!Array.isArray(built))
        throw new Error(`SharedArray "${name}": the function must return an array`);
      data = Object.freeze(built.map((item) => Object.freeze(item)));
      shared.set(name, data);
    }
    // biome-ignore lint/correctness/noConstructorReturn: k6's SharedArray is array-like; returning the frozen array keeps indexing and length native.
    return data as unknown as SharedArray<T>;
  }
}

export default { SharedArray };
