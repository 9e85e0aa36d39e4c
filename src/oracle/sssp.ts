/**
 * SSSP oracle: Dijkstra with a binary heap (lazy deletion). Distances, -1 where unreachable.
 * Distances are float64 sums along a path, left to right, exactly as a relaxation computes them.
 */
import type { OracleArcs } from './pagerank.js';

class MinHeap {
  private readonly keys: number[] = [];
  private readonly items: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, item: number): void {
    const keys = this.keys;
    const items = this.items;
    let i = keys.length;
    keys.push(key);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    keys[i] = key;
    items[i] = item;
  }

  /** Remove the smallest entry; returns [key, item]. */
  pop(): [number, number] {
    const keys = this.keys;
    const items = this.items;
    const top: [number, number] = [keys[0]!, items[0]!];
    const lastKey = keys.pop()!;
    const lastItem = items.pop()!;
    const size = keys.length;
    if (size > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= size) break;
        if (child + 1 < size && keys[child + 1]! < keys[child]!) child++;
        if (keys[child]! >= lastKey) break;
        keys[i] = keys[child]!;
        items[i] = items[child]!;
        i = child;
      }
      keys[i] = lastKey;
      items[i] = lastItem;
    }
    return top;
  }
}

export function ssspOracle(arcs: OracleArcs, source: number): Float64Array {
  const n = arcs.n;
  const out: Array<Array<[number, number]>> = Array.from({ length: n }, () => []);
  for (let i = 0; i < arcs.src.length; i++) out[arcs.src[i]!]!.push([arcs.dst[i]!, arcs.weights ? arcs.weights[i]! : 1]);
  const dist = new Float64Array(n).fill(Infinity);
  if (n === 0) return dist;
  const done = new Uint8Array(n);
  const heap = new MinHeap();
  dist[source] = 0;
  heap.push(0, source);
  while (heap.size > 0) {
    const [d, u] = heap.pop();
    if (done[u] || d > dist[u]!) continue;
    done[u] = 1;
    for (const [v, w] of out[u]!) {
      const candidate = d + w;
      if (candidate < dist[v]!) {
        dist[v] = candidate;
        heap.push(candidate, v);
      }
    }
  }
  for (let v = 0; v < n; v++) if (dist[v] === Infinity) dist[v] = -1;
  return dist;
}
