/**
 * WCC oracle: depth-first search over arcs taken in both directions, started from each unlabelled
 * vertex in ascending order, so each component's label is its smallest id.
 */
import type { OracleArcs } from './pagerank.js';

export function wccOracle(arcs: OracleArcs): Int32Array {
  const n = arcs.n;
  const neighbours: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < arcs.src.length; i++) {
    neighbours[arcs.src[i]!]!.push(arcs.dst[i]!);
    neighbours[arcs.dst[i]!]!.push(arcs.src[i]!);
  }
  const label = new Int32Array(n).fill(-1);
  for (let start = 0; start < n; start++) {
    if (label[start] !== -1) continue;
    label[start] = start;
    const stack = [start];
    while (stack.length > 0) {
      const u = stack.pop()!;
      for (const v of neighbours[u]!) {
        if (label[v] === -1) {
          label[v] = start;
          stack.push(v);
        }
      }
    }
  }
  return label;
}
