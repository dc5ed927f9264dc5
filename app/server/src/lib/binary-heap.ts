/** Negative when `a` must come out before `b`. */
export type Comparator<T> = (a: T, b: T) => number;

/**
 * A binary min-heap ordered by a comparator (the smallest item pops first).
 *
 * push and pop are O(log n), against O(n) for keeping an array sorted by insertion. `pop`
 * sifts the hole down to a leaf choosing the smaller child, then sifts the moved item up
 * (Python heapq's variant): the moved item usually belongs near the bottom, so this does
 * about half the comparisons of the textbook sift-down.
 */
export class BinaryHeap<T> {
  private readonly items: T[] = [];
  private readonly compare: Comparator<T>;

  constructor(compare: Comparator<T>) {
    this.compare = compare;
  }

  /** Number of items in the heap. */
  get size(): number {
    return this.items.length;
  }

  /** The smallest item without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds an item. */
  push(item: T): void {
    this.items.push(item);
    this.siftUp(0, this.items.length - 1);
  }

  /** Removes and returns the smallest item, or `undefined` when empty. */
  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const last = items.pop() as T;
    if (items.length === 0) return last;
    const top = items[0] as T;
    items[0] = last;
    this.siftDownToLeafThenUp();
    return top;
  }

  /** Drops every item. */
  clear(): void {
    this.items.length = 0;
  }

  private siftUp(rootIndex: number, start: number): void {
    const items = this.items;
    const item = items[start] as T;
    let pos = start;
    while (pos > rootIndex) {
      const parentPos = (pos - 1) >> 1;
      const parent = items[parentPos] as T;
      if (this.compare(item, parent) >= 0) break;
      items[pos] = parent;
      pos = parentPos;
    }
    items[pos] = item;
  }

  private siftDownToLeafThenUp(): void {
    const items = this.items;
    const end = items.length;
    const item = items[0] as T;
    let pos = 0;
    let child = 1;
    while (child < end) {
      const right = child + 1;
      if (right < end && this.compare(items[right] as T, items[child] as T) < 0) child = right;
      items[pos] = items[child] as T;
      pos = child;
      child = 2 * pos + 1;
    }
    items[pos] = item;
    this.siftUp(0, pos);
  }
}

/** Orders numbers ascending; a ready comparator for numeric heaps. */
export const ascending: Comparator<number> = (a, b) => a - b;
