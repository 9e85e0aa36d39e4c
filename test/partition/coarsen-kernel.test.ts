/**
 * The coarsening kernels (assembly/kernels/coarsen.ts) against their oracles, the TypeScript paths
 * of src/partition/multilevel/coarsen.ts (and weighted.ts for the undirected view): with the same seed both must produce exactly the same
 * levels (coarse graphs and fine-to-coarse maps) and draw the same random numbers, on random
 * graphs, weighted vertices, hub-dominated graphs (two-hop matching) and isolated vertices. The
 * levels are also checked against invariants recounted here from the finer graph, not taken from
 * either path.
 */
import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync } from '../../src/index.js';
import { Prng } from '../../src/generate/prng.js';
import { coarsen, type CoarseLevel } from '../../src/partition/multilevel/coarsen.js';
import { undirectedView, type WeightedGraph } from '../../src/partition/multilevel/weighted.js';
import { Random } from '../helpers/random.js';

const host = createHostSync();

interface Case {
  view: WeightedGraph;
  coarsenTo: number;
  seed: number;
}

/** A random graph: uniform arcs, optionally a few hubs (many degree-1 leaves) and weights. */
function randomCase(random: Random, trial: number): Case {
  const n = random.int(2, 600);
  const src: number[] = [];
  const dst: number[] = [];
  const shape = random.pick(['uniform', 'hubs', 'sparse'] as const);
  const m = shape === 'sparse' ? random.int(0, n) : random.int(n, 5 * n);
  if (shape === 'hubs') {
    // stars around a few hubs: most leaves have only the hub as neighbour, so plain heavy-edge
    // matching leaves them single and the two-hop pass runs
    const hubs = random.int(1, 4);
    for (let v = hubs; v < n; v++) {
      src.push(v);
      dst.push(random.int(0, hubs - 1));
    }
    for (let i = 0; i < n / 10; i++) {
      src.push(random.int(0, n - 1));
      dst.push(random.int(0, n - 1));
    }
  } else {
    for (let i = 0; i < m; i++) {
      src.push(random.int(0, n - 1));
      dst.push(random.int(0, n - 1));
    }
  }
  const graph = buildGraph(host, { n, src, dst });
  const weighted = random.chance(0.4);
  const view = undirectedView(graph, weighted ? Float64Array.from({ length: n }, () => random.int(1, 9)) : undefined);
  return { view, coarsenTo: random.pick([2, 20, 30, Math.max(2, n >> 3)]), seed: trial + 11 };
}

function run(c: Case, withHost: boolean): { levels: CoarseLevel[]; after: number } {
  const prng = new Prng(c.seed);
  const levels = coarsen(c.view, c.coarsenTo, prng, withHost ? host : undefined);
  // the generator's state after the call: both paths must have drawn the same numbers
  return { levels, after: prng.nextInt(1 << 30) };
}

/** Invariants of a contraction, recounted from the finer graph and the map alone. */
function checkLevel(finer: WeightedGraph, level: CoarseLevel, maxVertexWeight: number): void {
  const { graph: coarse, coarseOf } = level;
  expect(coarseOf.length).toBe(finer.n);
  const members = new Int32Array(coarse.n);
  const weights = new Float64Array(coarse.n);
  for (let v = 0; v < finer.n; v++) {
    const c = coarseOf[v]!;
    expect(c >= 0 && c < coarse.n).toBe(true);
    members[c]++;
    weights[c] += finer.vertexWeights[v]!;
  }
  for (let c = 0; c < coarse.n; c++) {
    // a matching merges pairs: one or two members, never a pair above the weight cap
    expect(members[c] === 1 || members[c] === 2).toBe(true);
    if (members[c] === 2) expect(weights[c]!).toBeLessThanOrEqual(maxVertexWeight);
  }
  expect(Array.from(coarse.vertexWeights)).toEqual(Array.from(weights));
  // coarse edge weights: the sum of finer edge weights between the two groups, no self-loops
  const expected = new Map<string, number>();
  for (let v = 0; v < finer.n; v++) {
    for (let e = finer.offsets[v]!; e < finer.offsets[v + 1]!; e++) {
      const a = coarseOf[v]!;
      const b = coarseOf[finer.targets[e]!]!;
      if (a === b) continue;
      expected.set(`${a},${b}`, (expected.get(`${a},${b}`) ?? 0) + finer.edgeWeights[e]!);
    }
  }
  const actual = new Map<string, number>();
  for (let c = 0; c < coarse.n; c++) {
    for (let e = coarse.offsets[c]!; e < coarse.offsets[c + 1]!; e++) {
      const key = `${c},${coarse.targets[e]!}`;
      expect(actual.has(key)).toBe(false);
      actual.set(key, coarse.edgeWeights[e]!);
    }
  }
  expect(actual).toEqual(expected);
}

describe('coarsening kernels (heavy_edge_match, contract_matching)', () => {
  it('give exactly the TypeScript levels on random, weighted and hub-dominated graphs', () => {
    const random = new Random(2024);
    let levelCount = 0;
    let twoHopShrinks = 0;
    for (let trial = 0; trial < 60; trial++) {
      const c = randomCase(random, trial);
      const kernel = run(c, true);
      const oracle = run(c, false);
      expect(kernel.after).toBe(oracle.after);
      expect(kernel.levels.length).toBe(oracle.levels.length);
      for (let l = 0; l < kernel.levels.length; l++) {
        const a = kernel.levels[l]!;
        const b = oracle.levels[l]!;
        expect(a.coarseOf).toEqual(b.coarseOf);
        expect(a.graph.n).toBe(b.graph.n);
        expect(a.graph.offsets).toEqual(b.graph.offsets);
        expect(a.graph.targets).toEqual(b.graph.targets);
        expect(a.graph.edgeWeights).toEqual(b.graph.edgeWeights);
        expect(a.graph.vertexWeights).toEqual(b.graph.vertexWeights);
        expect(a.graph.totalVertexWeight).toBe(c.view.totalVertexWeight);
      }
      const maxVertexWeight = (1.5 * c.view.totalVertexWeight) / c.coarsenTo;
      let finer = c.view;
      for (const level of kernel.levels) {
        checkLevel(finer, level, maxVertexWeight);
        // a star's leaves only shrink through two-hop pairs: count the levels that did
        if (level.graph.n < finer.n * 0.75 && finer.n > 50) twoHopShrinks++;
        finer = level.graph;
      }
      levelCount += kernel.levels.length;
    }
    // the comparison is worth something only if many levels were built
    expect(levelCount).toBeGreaterThan(100);
    expect(twoHopShrinks).toBeGreaterThan(10);
  });

  it('shrinks a star through two-hop pairing, as the oracle does', () => {
    const n = 401;
    const src = Array.from({ length: n - 1 }, (_, i) => i + 1);
    const dst = new Array<number>(n - 1).fill(0);
    const view = undirectedView(buildGraph(host, { n, src, dst }));
    const kernel = run({ view, coarsenTo: 20, seed: 4 }, true);
    const oracle = run({ view, coarsenTo: 20, seed: 4 }, false);
    expect(kernel.levels.map((l) => l.graph.n)).toEqual(oracle.levels.map((l) => l.graph.n));
    // one heavy-edge pair (the hub and a leaf), the other 399 leaves paired two hops apart: 200
    expect(kernel.levels[0]!.graph.n).toBe(1 + Math.ceil(399 / 2));
  });

  it('releases its scratch and leaves a graph at or below coarsenTo alone', () => {
    const random = new Random(8);
    const c = randomCase(random, 1);
    const before = host.arena.mark();
    run({ ...c, coarsenTo: 2 }, true);
    expect(host.arena.mark()).toBe(before);
    const prng = new Prng(1);
    expect(coarsen(c.view, c.view.n, prng, host)).toEqual([]);
    // nothing drawn when there is nothing to coarsen
    expect(prng.nextInt(1 << 30)).toBe(new Prng(1).nextInt(1 << 30));
  });
});

describe('undirected_view kernel', () => {
  it('gives exactly the TypeScript view: self-loops dropped, parallel and reverse arcs summed', () => {
    const random = new Random(77);
    let merged = 0;
    for (let trial = 0; trial < 40; trial++) {
      const n = random.int(0, 300);
      const src: number[] = [];
      const dst: number[] = [];
      const m = n === 0 ? 0 : random.int(0, 6 * n);
      for (let i = 0; i < m; i++) {
        // a small id range in some trials, so that parallel arcs, reverse pairs and loops are common
        const span = random.chance(0.5) ? Math.min(n, 8) : n;
        src.push(random.int(0, span - 1));
        dst.push(random.int(0, span - 1));
      }
      const graph = buildGraph(host, { n, src, dst });
      const weights = Float64Array.from({ length: n }, () => random.int(1, 5));
      const kernel = undirectedView(graph, weights);
      const oracle = undirectedView({ n: graph.n, m: graph.m, outOffsets: graph.outOffsets.slice(), outTargets: graph.outTargets.slice() }, weights);
      expect(kernel.offsets).toEqual(oracle.offsets);
      expect(kernel.targets).toEqual(oracle.targets);
      expect(kernel.edgeWeights).toEqual(oracle.edgeWeights);
      expect(kernel.totalVertexWeight).toBe(oracle.totalVertexWeight);
      // recounted from the arcs: every non-loop arc adds 1 to the edge weight of its pair, both rows
      const expected = new Map<string, number>();
      for (let i = 0; i < m; i++) {
        if (src[i] === dst[i]) continue;
        for (const key of [`${src[i]},${dst[i]}`, `${dst[i]},${src[i]}`]) expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      const actual = new Map<string, number>();
      for (let v = 0; v < n; v++) for (let e = kernel.offsets[v]!; e < kernel.offsets[v + 1]!; e++) actual.set(`${v},${kernel.targets[e]!}`, kernel.edgeWeights[e]!);
      expect(actual).toEqual(expected);
      for (const w of actual.values()) if (w > 1) merged++;
    }
    expect(merged).toBeGreaterThan(100);
  });
});
