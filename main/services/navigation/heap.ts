// A binary min-heap of (key, item) in typed arrays, for the route searches. Lazy: an item may be pushed
// again with a smaller key and the stale entry is skipped by the caller (it compares the popped key
// with its own best distance). No objects per entry, so a search allocates nothing once warm.

export class MinHeap {
  private keys: Float64Array;
  private items: Int32Array;
  size = 0;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(capacity);
    this.items = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  push(key: number, item: number): void {
    if (this.size === this.keys.length) this.grow();
    const keys = this.keys;
    const items = this.items;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent]!;
      if (pk <= key) break;
      keys[i] = pk;
      items[i] = items[parent]!;
      i = parent;
    }
    keys[i] = key;
    items[i] = item;
  }

  /** The smallest key; Infinity when empty. */
  peekKey(): number {
    return this.size > 0 ? this.keys[0]! : Infinity;
  }

  /** The item with the smallest key (read `peekKey()` first when the key is needed). */
  pop(): number {
    const keys = this.keys;
    const items = this.items;
    const top = items[0]!;
    const n = --this.size;
    if (n > 0) {
      const key = keys[n]!;
      const item = items[n]!;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && keys[child + 1]! < keys[child]!) child++;
        if (keys[child]! >= key) break;
        keys[i] = keys[child]!;
        items[i] = items[child]!;
        i = child;
      }
      keys[i] = key;
      items[i] = item;
    }
    return top;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    const items = new Int32Array(this.items.length * 2);
    items.set(this.items);
    this.keys = keys;
    this.items = items;
  }
}
