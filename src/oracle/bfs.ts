/** BFS oracle: a queue over out-neighbour lists. Levels, -1 where unreachable. */
import type { OracleArcs } from './pagerank.js';

export function bfsOracle(arcs: OracleArcs, source: number): Int32Array {
  const out: number[][] = Array.from({ length: arcs.n }, () => []);
  for (let i = 0; i < arcs.src.length; i++) out[arcs.src[i]!]!.push(arcs.dst[i]!);
  const level = new Int32Array(arcs.n).fill(-1);
  if (arcs.n === 0) return level;
  level[source] = 0;
  const queue = [source];
  for (let head = 0; head < queue.length; head++) {
    const u = queue[head]!;
    for (const v of out[u]!) {
      if (level[v] === -1) {
        level[v] = level[u]! + 1;
        queue.push(v);
      }
    }
  }
  return level;
}
