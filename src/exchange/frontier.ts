/**
 * Before a BFS runs: in which supersteps each partition pair's batches will be non-empty (issue 5,
 * predictions for frontier algorithms). A frame costs its header once per superstep it travels in,
 * so a prediction that counts one frame per pair for the whole run is optimistic where a frontier
 * crosses the same cut again and again (road networks: ~1 cut arc per copy, a dozen supersteps).
 *
 * The estimate reads only the placement and the source, never the run. It walks the placed local
 * graphs (their union is the graph) twice, O(copies + arcs):
 *   level      the BFS level of every vertex (unit arcs, from the source);
 *   crossings  a 0-1 BFS over COPIES (partition, local vertex): a local arc costs 0, moving to another
 *              copy of the same vertex costs 1 (the exchange that ends a superstep).
 * Which of bfs.ts's two schedules runs is decided by the same rule it uses (exchange lists against
 * local vertices); then each copy gets the superstep it is sent in:
 *   level-synchronous   its level (one level per superstep);
 *   by exchange         max(crossings, level / UNIT_BAND): a superstep's local search advances a
 *                       band of UNIT_BAND levels and stops at the partition's border.
 * A pair's announce batch (masters -> replicas) travels in the supersteps of its reached masters; its
 * gather batch (replicas -> masters) in those of replicas reached over a local arc. The search by
 * exchange may lower a copy more than once (a longer path found first): not modelled, so estimates
 * there are a lower bound on frames and elements.
 */
import type { WasmHost } from '../memory/host.js';
import type { PlacedPartition } from '../place/place.js';
import { LOCAL_SEARCH_COPY_SHARE } from '../execute/distributed/bfs.js';
import { UNIT_BAND } from '../execute/distributed/sssp.js';

/**
 * bfs.ts searches by exchange while send + receive list entries stay below this share of the local
 * vertices (test/distributed/comm-identity.test.ts checks the schedule the estimate names against
 * the one a run takes).
 */
export const BFS_LOCAL_SEARCH_COPY_SHARE = LOCAL_SEARCH_COPY_SHARE;

/** What a frontier algorithm's run will send, estimated per copy. */
export interface FrontierEstimate {
  /** the schedule bfs.ts will take: true = search by exchange (levels travel as i32), false = level-synchronous (positions only) */
  byExchange: boolean;
  /** per partition, per local id: the superstep in which the copy is sent, -1 when never reached */
  superstep: Int32Array[];
  /** per partition, per local id: 1 when the copy is reached over one of its partition's arcs (so a replica gathers it) */
  reachedLocally: Uint8Array[];
  /** estimated supersteps of the run (the last superstep any copy is sent in, + 1) */
  supersteps: number;
}

/** The schedule rule of bfs.ts: search by exchange when the lists are a small share of the partitions. */
export function searchesByExchange(placed: readonly PlacedPartition[]): boolean {
  let copies = 0;
  let local = 0;
  for (const part of placed) {
    copies += (part.sendOffsets[part.sendOffsets.length - 1] ?? 0) + (part.receiveOffsets[part.receiveOffsets.length - 1] ?? 0);
    local += part.n;
  }
  return copies <= BFS_LOCAL_SEARCH_COPY_SHARE * local;
}

/** Estimate, for a BFS from global vertex `source` on `placed` (module comment). */
export function estimateFrontier(host: WasmHost, placed: readonly PlacedPartition[], source: number): FrontierEstimate {
  const byExchange = searchesByExchange(placed);
  // copies as one index space: partition p's local id l is state base[p] + l
  const base: number[] = [];
  let states = 0;
  let n = 0;
  const globalOf: Uint32Array[] = [];
  for (const part of placed) {
    base.push(states);
    states += part.n;
    const ids = host.view(Uint32Array, part.localToGlobal, part.n);
    globalOf.push(ids);
    for (let l = 0; l < part.n; l++) n = Math.max(n, ids[l]! + 1);
  }
  // copies of each global vertex (CSR)
  const copyOffsets = new Uint32Array(n + 1);
  placed.forEach((part, p) => {
    const ids = globalOf[p]!;
    for (let l = 0; l < part.n; l++) copyOffsets[ids[l]! + 1]!++;
  });
  for (let v = 0; v < n; v++) copyOffsets[v + 1]! += copyOffsets[v]!;
  const copies = new Uint32Array(states);
  const fill = copyOffsets.slice(0, n);
  placed.forEach((part, p) => {
    const ids = globalOf[p]!;
    for (let l = 0; l < part.n; l++) copies[fill[ids[l]!]!++] = base[p]! + l;
  });
  const partOf = new Uint16Array(states);
  placed.forEach((part, p) => partOf.fill(p, base[p]!, base[p]! + part.n));
  const offsets = placed.map((part) => host.view(Uint32Array, part.outOffsets, part.n + 1));
  const targets = placed.map((part) => host.view(Uint32Array, part.outTargets, part.m));

  // levels: a BFS over global vertices, through every copy's local arcs
  const level = new Int32Array(n).fill(-1);
  const reachedLocally = placed.map((part) => new Uint8Array(part.n));
  if (source >= 0 && source < n && copyOffsets[source + 1]! > copyOffsets[source]!) {
    const queue = new Uint32Array(n);
    let head = 0;
    let tail = 0;
    level[source] = 0;
    queue[tail++] = source;
    while (head < tail) {
      const v = queue[head++]!;
      for (let c = copyOffsets[v]!; c < copyOffsets[v + 1]!; c++) {
        const state = copies[c]!;
        const p = partOf[state]!;
        const l = state - base[p]!;
        const ids = globalOf[p]!;
        for (let a = offsets[p]![l]!; a < offsets[p]![l + 1]!; a++) {
          const t = targets[p]![a]!;
          const w = ids[t]!;
          if (level[w] === -1) {
            level[w] = level[v]! + 1;
            queue[tail++] = w;
          }
          // a copy at the next level reached over this partition's own arc
          if (level[w] === level[v]! + 1) reachedLocally[p]![t] = 1;
        }
      }
    }
  }

  // crossings: 0-1 BFS over copies (deque in one array of 2 × states: front grows down, back up)
  const crossings = new Int32Array(states).fill(-1);
  if (byExchange && source >= 0 && source < n) {
    const deque = new Uint32Array(2 * states + 2);
    const done = new Uint8Array(states);
    let front = states + 1;
    let back = states + 1;
    for (let c = copyOffsets[source]!; c < copyOffsets[source + 1]!; c++) {
      crossings[copies[c]!] = 0;
      deque[back++] = copies[c]!;
    }
    while (front < back) {
      const state = deque[front++]!;
      if (done[state]) continue;
      done[state] = 1;
      const d = crossings[state]!;
      const p = partOf[state]!;
      const l = state - base[p]!;
      for (let a = offsets[p]![l]!; a < offsets[p]![l + 1]!; a++) {
        const next = base[p]! + targets[p]![a]!;
        if (crossings[next] === -1 || crossings[next]! > d) {
          crossings[next] = d;
          deque[--front] = next;
        }
      }
      const v = globalOf[p]![l]!;
      for (let c = copyOffsets[v]!; c < copyOffsets[v + 1]!; c++) {
        const other = copies[c]!;
        if (crossings[other] === -1 || crossings[other]! > d + 1) {
          crossings[other] = d + 1;
          deque[back++] = other;
        }
      }
    }
  }

  let last = -1;
  const superstep = placed.map((part, p) => {
    const keys = new Int32Array(part.n).fill(-1);
    const ids = globalOf[p]!;
    for (let l = 0; l < part.n; l++) {
      const L = level[ids[l]!]!;
      if (L < 0) continue;
      keys[l] = byExchange ? Math.max(crossings[base[p]! + l]!, Math.floor(L / UNIT_BAND)) : L;
      last = Math.max(last, keys[l]!);
    }
    return keys;
  });
  return { byExchange, superstep, reachedLocally, supersteps: last + 1 };
}
