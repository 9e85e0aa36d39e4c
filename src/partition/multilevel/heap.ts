/**
 * A binary max-heap of (gain, vertex) pairs over typed arrays, with lazy deletion: a vertex whose
 * gain changed is pushed again, and a popped entry whose gain no longer matches the caller's
 * current gain (or whose vertex moved) is stale and skipped by the caller. That keeps updates at
 * O(log size) with no position index; the heap holds at most one entry per gain update.
 */
export class GainHeap {
  private keys: Float64Array;
  private values: Int32Array;
  size = 0;

  constructor(capacity = 64) {
    this.keys = new Float64Array(Math.max(capacity, 4));
    this.values = new Int32Array(Math.max(capacity, 4));
  }

  clear(): void {
    this.size = 0;
  }

  push(key: number, value: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.size * 2);
      keys.set(this.keys);
      this.keys = keys;
      const values = new Int32Array(this.size * 2);
      values.set(this.values);
      this.values = values;
    }
    const keys = this.keys;
    const values = this.values;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! >= key) break;
      keys[i] = keys[parent]!;
      values[i] = values[parent]!;
      i = parent;
    }
    keys[i] = key;
    values[i] = value;
  }

  topKey(): number {
    return this.keys[0]!;
  }

  topValue(): number {
    return this.values[0]!;
  }

  /** Remove the top entry (the caller read it with topKey/topValue first). */
  pop(): void {
    const keys = this.keys;
    const values = this.values;
    const last = --this.size;
    if (last === 0) return;
    const key = keys[last]!;
    const value = values[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && keys[child + 1]! > keys[child]!) child++;
      if (keys[child]! <= key) break;
      keys[i] = keys[child]!;
      values[i] = values[child]!;
      i = child;
    }
    keys[i] = key;
    values[i] = value;
  }
}
