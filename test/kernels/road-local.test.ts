/**
 * Seeded property tests of the local searches the distributed BFS and SSSP run between exchanges
 * (assembly/kernels/bfs-local.ts, sssp-local.ts): on random graphs and road-like grids, from random
 * multi-source seeds at random starting values, in one call and again after lowering some vertices
 * (as an exchange does), the result must equal a plain TypeScript multi-source Dijkstra bit for
 * bit, every vertex the call lowered must be listed once as changed, the heap's position array
 * must be left clean, and no vertex may be scanned twice in a call (label-setting).
 */
import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, type NeuromorphicGraph } from '../../src/index.js';
import type { DistributedKernels } from '../../src/execute/distributed/context.js';
import { Random } from '../helpers/random.js';
import { randomArcs, type RandomArcs, type WeightKind } from './random-graphs.js';

const host = createHostSync();
const kernels = host.exports as unknown as DistributedKernels;
/** position[v] of a vertex in no heap (bfs-local.ts NOT_IN_HEAP) */
const NOT_IN_HEAP = 0xffff_ffff;
/** a BFS level not reached yet (i32 max, so that the min combiner needs no special case) */
const UNREACHED = 0x7fff_ffff;

/** A road-like graph: a grid with some streets missing, both directions, and a few long arcs. */
function gridArcs(random: Random, kind: WeightKind): RandomArcs {
  const rows = random.int(2, 40);
  const columns = random.int(2, 40);
  const n = rows * columns;
  const src: number[] = [];
  const dst: number[] = [];
  const street = (u: number, v: number): void => {
    if (random.chance(0.15)) return;
    src.push(u, v);
    dst.push(v, u);
  };
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      if (c + 1 < columns) street(r * columns + c, r * columns + c + 1);
      if (r + 1 < rows) street(r * columns + c, (r + 1) * columns + c);
    }
  }
  for (let i = random.int(0, 3); i > 0; i--) {
    src.push(random.int(0, n - 1));
    dst.push(random.int(0, n - 1));
  }
  let weights: number[] | undefined;
  if (kind === 'integer') weights = src.map(() => random.int(0, 50));
  if (kind === 'real') weights = src.map(() => (random.chance(0.05) ? 0 : random.float() * random.pick([1e-3, 1, 1e6])));
  return { n, src, dst, weights, kind, label: `grid ${rows}x${columns} m=${src.length} ${kind}` };
}

/**
 * The oracle: Dijkstra by linear selection from `initial` labels (+Infinity = none), sums left to
 * right as a relaxation takes them (JavaScript numbers are the same float64 adds).
 */
function multiSourceDijkstra(arcs: RandomArcs, initial: Float64Array, unit: boolean): Float64Array {
  const { n } = arcs;
  const out: [number, number][][] = Array.from({ length: n }, () => []);
  arcs.src.forEach((u, k) => out[u]!.push([arcs.dst[k]!, unit || !arcs.weights ? 1 : arcs.weights[k]!]));
  const dist = Float64Array.from(initial);
  const settled = new Uint8Array(n);
  for (;;) {
    let u = -1;
    for (let v = 0; v < n; v++) if (!settled[v] && dist[v]! < Infinity && (u < 0 || dist[v]! < dist[u]!)) u = v;
    if (u < 0) return dist;
    settled[u] = 1;
    for (const [v, w] of out[u]!) if (dist[u]! + w < dist[v]!) dist[v] = dist[u]! + w;
  }
}

interface Regions {
  values: number;
  seeds: number;
  heap: number;
  position: number;
  queue: number;
  changed: number;
  changedList: number;
  /** u32[2]: vertices listed as changed, vertices pending in the heap (bfs-local.ts STATE_*) */
  state: number;
}

function allocate(n: number, Values: Float64ArrayConstructor | Int32ArrayConstructor): Regions {
  const size = Math.max(1, n);
  const regions: Regions = {
    values: host.allocArray(Values, size),
    // seeds may be listed twice: room for 2n
    seeds: host.allocArray(Uint32Array, 2 * size),
    heap: host.allocArray(Uint32Array, size),
    position: host.allocArray(Uint32Array, size),
    queue: host.allocArray(Uint32Array, size),
    changed: host.allocArray(Uint8Array, size),
    changedList: host.allocArray(Uint32Array, size),
    state: host.allocArray(Uint32Array, 2),
  };
  host.view(Uint32Array, regions.state, 2).fill(0);
  host.view(Uint32Array, regions.position, size).fill(NOT_IN_HEAP);
  return regions;
}

/** One call: scan from the seeds up to `limit` (Infinity: to quiescence); returns vertices scanned. */
type Search = (regions: Regions, seedCount: number, limit: number) => number;

/**
 * Rounds of: lower a few random vertices to random values (the seeds, some listed twice), search,
 * check. `draw` gives a seed value; the oracle runs from every label handed out so far.
 */
function checkRounds(random: Random, arcs: RandomArcs, regions: Regions, values: Float64Array | Int32Array, unreached: number, search: Search, draw: () => number, unit: boolean): void {
  const { n } = arcs;
  const labels = new Float64Array(n).fill(Infinity);
  const asLabel = (value: number): number => (value === unreached ? Infinity : value);
  values.fill(unreached);
  const rounds = random.int(1, 3);
  for (let round = 0; round < rounds; round++) {
    const seeds: number[] = [];
    for (let i = random.int(n > 0 ? 1 : 0, Math.min(n, 6)); i > 0; i--) {
      const v = random.int(0, n - 1);
      const value = draw();
      labels[v] = Math.min(labels[v]!, value);
      if (value < asLabel(values[v]!)) {
        values[v] = value;
        seeds.push(v);
        if (random.chance(0.2)) seeds.push(v);
      }
    }
    host.view(Uint32Array, regions.seeds, Math.max(1, seeds.length)).set(seeds);
    const before = Array.from(values, asLabel);
    const flags = host.view(Uint8Array, regions.changed, n);
    host.view(Uint8Array, regions.changed, Math.max(1, n)).fill(0);
    const state = host.view(Uint32Array, regions.state, 2);
    state[0] = 0;
    let expected = multiSourceDijkstra(arcs, labels, unit);
    // to quiescence at once, or in slices of increasing limits (Δ-stepping), the last one unlimited
    const limits = random.chance(0.5) ? [] : Array.from({ length: random.int(1, 4) }, draw).sort((a, b) => a - b);
    let scanned = 0;
    let injected = false;
    for (const [slice, limit] of [...limits, Infinity].entries()) {
      if (slice > 0 && random.chance(0.4)) {
        // an exchange between slices lowers a vertex, pending or not (a pending one moves up the heap)
        injected = true;
        const v = random.int(0, n - 1);
        const value = draw();
        labels[v] = Math.min(labels[v]!, value);
        if (value < asLabel(values[v]!)) {
          values[v] = value;
          seeds.push(v);
          // lowered here, not by the search: listed only if the search lowers it (again)
          if (flags[v] === 0) before[v] = value;
        }
        host.view(Uint32Array, regions.seeds, Math.max(1, seeds.length)).set(seeds);
        expected = multiSourceDijkstra(arcs, labels, unit);
      }
      scanned += search(regions, seeds.length, limit);
      seeds.length = 0;
      const pending = state[1]!;
      const positions = host.view(Uint32Array, regions.position, n);
      const inHeap = Array.from(positions).filter((p) => p !== NOT_IN_HEAP).sort((a, b) => a - b);
      expect(inHeap, `${arcs.label} limit ${limit}: positions name the pending heap`).toEqual(Array.from({ length: pending }, (_, i) => i));
      if (pending > 0) expect(asLabel(values[host.view(Uint32Array, regions.heap, 1)[0]!]!), 'the smallest pending key is above the limit').toBeGreaterThan(limit);
      // every vertex whose distance is within the limit is final
      const within = (_: number, v: number): boolean => expected[v]! <= limit;
      expect(Array.from(values, asLabel).filter(within), `${arcs.label} limit ${limit}`).toEqual(Array.from(expected).filter(within));
    }
    expect(state[1], 'nothing pending after an unlimited call').toBe(0);

    const label = `${arcs.label} round ${round}`;
    const after = Array.from(values, asLabel);
    expect(after, label).toEqual(Array.from(expected));
    const lowered = after.flatMap((value, v) => (value < before[v]! ? [v] : []));
    const listedCount = state[0]!;
    const listed = Array.from(host.view(Uint32Array, regions.changedList, listedCount)).sort((a, b) => a - b);
    // every vertex the search lowered (a seed only if lowered again: `before` holds its seed value)
    expect(listed, `${label}: changed list`).toEqual(lowered);
    expect(new Set(listed).size, `${label}: changed listed once`).toBe(listed.length);
    expect(Array.from(flags), `${label}: flags`).toEqual(Array.from({ length: n }, (_, v) => (listed.includes(v) ? 1 : 0)));
    const reached = after.filter((value) => value < Infinity).length;
    // (a vertex lowered between slices may be scanned again)
    if (!injected) expect(scanned, `${label}: scanned at most once each, over all the slices`).toBeLessThanOrEqual(reached);
    expect(scanned, `${label}: every lowered vertex scanned`).toBeGreaterThanOrEqual(listed.length);
  }
}

function graphOf(arcs: RandomArcs): NeuromorphicGraph {
  return buildGraph(host, arcs);
}

describe('local searches between exchanges (bfs_local, sssp_local) against a multi-source Dijkstra', () => {
  it('sssp_local: random graphs and road-like grids, unit, integer and real weights, from random seeds', () => {
    const random = new Random(4101);
    for (let trial = 0; trial < 240; trial++) {
      const kind = random.pick(['unit', 'integer', 'real'] as const);
      const arcs = trial % 3 === 0 ? gridArcs(random, kind) : randomArcs(random, kind);
      if (arcs.n === 0) continue;
      const mark = host.arena.mark();
      try {
        const graph = graphOf(arcs);
        const { outOffsets, outTargets, outWeights } = graph.regions;
        const regions = allocate(arcs.n, Float64Array);
        const dist = host.view(Float64Array, regions.values, arcs.n);
        const search: Search = (r, seedCount, limit) =>
          kernels.sssp_local(graph.weightType, outOffsets, outTargets, outWeights, r.values, r.seeds, seedCount, r.heap, r.position, r.queue, r.state, limit, r.changed, r.changedList);
        // real seeds even with unit weights: the FIFO order must not assume integer distances
        const draw = (): number => (kind === 'integer' ? random.int(0, 200) : random.float() * random.pick([1, 50, 1e6]));
        checkRounds(random, arcs, regions, dist, Infinity, search, draw, false);
      } finally {
        host.arena.release(mark);
      }
    }
  });

  it('bfs_local: levels from seeds at random levels equal the oracle; bfs_local_finalize maps unreached to -1', () => {
    const random = new Random(4102);
    for (let trial = 0; trial < 240; trial++) {
      const arcs = trial % 3 === 0 ? gridArcs(random, 'unit') : randomArcs(random, 'unit');
      if (arcs.n === 0) continue;
      const mark = host.arena.mark();
      try {
        const graph = graphOf(arcs);
        const { outOffsets, outTargets } = graph.regions;
        const regions = allocate(arcs.n, Int32Array);
        const levels = host.view(Int32Array, regions.values, arcs.n);
        const search: Search = (r, seedCount, limit) =>
          kernels.bfs_local(outOffsets, outTargets, r.values, r.seeds, seedCount, r.heap, r.position, r.queue, r.state, limit === Infinity ? UNREACHED : limit, r.changed, r.changedList);
        checkRounds(random, arcs, regions, levels, UNREACHED, search, () => random.int(0, 3 * arcs.n), true);
        const expected = Array.from(levels, (level) => (level === UNREACHED ? -1 : level));
        const largest = kernels.bfs_local_finalize(regions.values, 0, arcs.n);
        expect(Array.from(levels), arcs.label).toEqual(expected);
        expect(largest).toBe(Math.max(-1, ...expected));
      } finally {
        host.arena.release(mark);
      }
    }
  });

  it('a seed not reached (UNREACHED level, +Infinity distance) lowers nothing and does not wrap', () => {
    const arcs: RandomArcs = { n: 3, src: [0, 1], dst: [1, 2], kind: 'unit', label: 'path of 3' };
    const mark = host.arena.mark();
    try {
      const graph = graphOf(arcs);
      const { outOffsets, outTargets } = graph.regions;
      const regions = allocate(3, Int32Array);
      const levels = host.view(Int32Array, regions.values, 3);
      levels.fill(UNREACHED);
      host.view(Uint32Array, regions.seeds, 1)[0] = 0;
      const scanned = kernels.bfs_local(outOffsets, outTargets, regions.values, regions.seeds, 1, regions.heap, regions.position, regions.queue, regions.state, UNREACHED, regions.changed, regions.changedList);
      expect(scanned).toBe(0);
      expect(Array.from(levels)).toEqual([UNREACHED, UNREACHED, UNREACHED]);
      levels[0] = 5;
      kernels.bfs_local(outOffsets, outTargets, regions.values, regions.seeds, 1, regions.heap, regions.position, regions.queue, regions.state, UNREACHED, regions.changed, regions.changedList);
      expect(Array.from(levels)).toEqual([5, 6, 7]);
    } finally {
      host.arena.release(mark);
    }
  });
});
