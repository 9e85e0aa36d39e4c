/**
 * The refinement kernel (assembly/kernels/refine.ts) against its oracle, the TypeScript path of
 * src/partition/multilevel/refine.ts: with the same seed both must leave exactly the same owners
 * and part weights, pass for pass, on random graphs, weighted vertices and real fixtures; and the
 * whole multilevel partitioner gives the same owners with a host (kernels) as without (TS).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, loadGraph } from '../../src/index.js';
import { Prng } from '../../src/generate/prng.js';
import { partitionEdgeCut } from '../../src/partition/edgecut.js';
import { refineBisection } from '../../src/partition/multilevel/initial.js';
import { refineKway, refineKwayFm } from '../../src/partition/multilevel/refine.js';
import { undirectedView, type WeightedGraph } from '../../src/partition/multilevel/weighted.js';
import type { ArcTopology } from '../../src/partition/plan.js';
import { Random } from '../helpers/random.js';

const DATA = fileURLToPath(new URL('../fixtures/data/', import.meta.url));
const host = createHostSync();

function randomArcs(random: Random, n: number, m: number): { n: number; src: number[]; dst: number[] } {
  const src: number[] = [];
  const dst: number[] = [];
  for (let i = 0; i < m; i++) {
    src.push(random.int(0, n - 1));
    dst.push(random.int(0, n - 1));
  }
  return { n, src, dst };
}

/** The same arcs without the host: partitionEdgeCut takes the TypeScript path. */
function bare(graph: ArcTopology): ArcTopology {
  return { n: graph.n, m: graph.m, outOffsets: graph.outOffsets.slice(), outTargets: graph.outTargets.slice() };
}

function weightsOf(owner: Int32Array, vertexWeights: Float64Array, k: number): Float64Array {
  const weights = new Float64Array(k);
  for (let v = 0; v < owner.length; v++) weights[owner[v]!] += vertexWeights[v]!;
  return weights;
}

/** Run refineKway on copies, once per path, from the same start and seed; both results. */
function bothPaths(view: WeightedGraph, start: Int32Array, k: number, limit: number, seed: number, passes: number) {
  const run = (withHost: boolean) => {
    const owner = start.slice();
    const weights = weightsOf(owner, view.vertexWeights, k);
    const random = new Prng(seed);
    const moves = refineKway(view, owner, weights, limit, random, passes, withHost ? host : undefined);
    // the generator's state after the call: both paths must have drawn the same numbers
    return { owner, weights, moves, after: random.nextInt(1 << 30) };
  };
  return { kernel: run(true), oracle: run(false) };
}

describe('refine_kway_pass kernel', () => {
  it('matches the TypeScript refinement exactly on random graphs and starts', () => {
    const random = new Random(91);
    let moved = 0;
    for (let trial = 0; trial < 40; trial++) {
      const n = random.int(2, 400);
      const graph = buildGraph(host, randomArcs(random, n, random.int(0, 6 * n)));
      const weighted = random.chance(0.4);
      const vertexWeights = Float64Array.from({ length: n }, () => (weighted ? random.int(1, 9) : 1));
      const view = undirectedView(graph, weighted ? vertexWeights : undefined);
      const k = random.int(2, 12);
      const start = Int32Array.from({ length: n }, () => random.int(0, k - 1));
      const limit = random.chance(0.3) ? view.totalVertexWeight : (1.1 * view.totalVertexWeight) / k;
      const { kernel, oracle } = bothPaths(view, start, k, limit, trial + 1, random.int(1, 10));
      expect(kernel.owner).toEqual(oracle.owner);
      expect(kernel.weights).toEqual(oracle.weights);
      expect(kernel.moves).toBe(oracle.moves);
      expect(kernel.after).toBe(oracle.after);
      // recounted from the owners, not taken from either path
      expect(kernel.weights).toEqual(weightsOf(kernel.owner, view.vertexWeights, k));
      for (let p = 0; p < k; p++) if (weightsOf(start, view.vertexWeights, k)[p]! <= limit) expect(kernel.weights[p]!).toBeLessThanOrEqual(limit);
      moved += kernel.moves;
    }
    // the comparison is only worth something if the passes actually moved vertices
    expect(moved).toBeGreaterThan(1000);
  });

  it('kway_fm_pass matches the TypeScript k-way FM exactly, hubs (tabled) included', () => {
    const random = new Random(29);
    let gained = 0;
    for (let trial = 0; trial < 30; trial++) {
      const n = random.int(2, 400);
      const arcs = randomArcs(random, n, random.int(0, 4 * n));
      // a few hubs, so that the hub table path (degree above max(32, mean)) is exercised
      const hubs = random.int(0, 3);
      for (let h = 0; h < hubs; h++) for (let i = 0; i < 60; i++) {
        arcs.src.push(h % n);
        arcs.dst.push(random.int(0, n - 1));
      }
      const graph = buildGraph(host, arcs);
      const weighted = random.chance(0.3);
      const view = undirectedView(graph, weighted ? Float64Array.from({ length: n }, () => random.int(1, 9)) : undefined);
      const k = random.int(2, 10);
      const start = Int32Array.from({ length: n }, () => random.int(0, k - 1));
      const limit = (random.pick([1.03, 1.2, 2]) * view.totalVertexWeight) / k;
      const passes = random.int(1, 3);
      const run = (withHost: boolean) => {
        const owner = start.slice();
        const weights = weightsOf(owner, view.vertexWeights, k);
        const prng = new Prng(trial + 5);
        const gain = refineKwayFm(view, owner, weights, limit, prng, passes, withHost ? host : undefined);
        return { owner, weights, gain, after: prng.nextInt(1 << 30) };
      };
      const kernel = run(true);
      const oracle = run(false);
      expect(kernel.owner).toEqual(oracle.owner);
      expect(kernel.weights).toEqual(oracle.weights);
      expect(kernel.gain).toBe(oracle.gain);
      expect(kernel.after).toBe(oracle.after);
      expect(kernel.weights).toEqual(weightsOf(kernel.owner, view.vertexWeights, k));
      gained += kernel.gain;
    }
    expect(gained).toBeGreaterThan(500);
  });

  it('bisection_fm_pass matches the TypeScript FM exactly on random graphs and bisections', () => {
    const random = new Random(63);
    let improved = 0;
    for (let trial = 0; trial < 40; trial++) {
      const n = random.int(2, 300);
      const graph = buildGraph(host, randomArcs(random, n, random.int(0, 5 * n)));
      const weighted = random.chance(0.4);
      const view = undirectedView(graph, weighted ? Float64Array.from({ length: n }, () => random.int(1, 9)) : undefined);
      const start = Uint8Array.from({ length: n }, () => (random.chance(random.float()) ? 1 : 0));
      const total = view.totalVertexWeight;
      const share = random.chance(0.5) ? 0.5 : random.float();
      const slack = random.pick([0, 0.03, 0.3]);
      const goal = { target0: total * share, max0: total * share * (1 + slack), max1: total * (1 - share) * (1 + slack) };
      const passes = random.int(1, 8);
      const run = (withHost: boolean) => {
        const side = start.slice();
        const prng = new Prng(trial + 7);
        const cut = refineBisection(view, side, goal, prng, passes, withHost ? host : undefined);
        return { side, cut, after: prng.nextInt(1 << 30) };
      };
      const kernel = run(true);
      const oracle = run(false);
      expect(kernel.side).toEqual(oracle.side);
      expect(kernel.cut).toBe(oracle.cut);
      expect(kernel.after).toBe(oracle.after);
      // the returned cut, recounted here from the sides
      let cut = 0;
      for (let v = 0; v < n; v++) for (let e = view.offsets[v]!; e < view.offsets[v + 1]!; e++) if (kernel.side[view.targets[e]!] !== kernel.side[v]) cut += view.edgeWeights[e]!;
      expect(kernel.cut).toBe(cut / 2);
      let startCut = 0;
      for (let v = 0; v < n; v++) for (let e = view.offsets[v]!; e < view.offsets[v + 1]!; e++) if (start[view.targets[e]!] !== start[v]) startCut += view.edgeWeights[e]!;
      if (kernel.cut < startCut / 2) improved++;
    }
    // FM must actually have done something on most of them, or the comparison proves little
    expect(improved).toBeGreaterThan(20);
  });

  it('gives the same multilevel owners with kernels as the TypeScript path, on random graphs', () => {
    const random = new Random(17);
    for (let trial = 0; trial < 8; trial++) {
      const n = random.int(50, 1000);
      const graph = buildGraph(host, randomArcs(random, n, random.int(n, 5 * n)));
      const k = random.pick([2, 3, 5, 8, 16]);
      const seed = random.int(1, 1000);
      const withKernels = partitionEdgeCut(graph, k, { seed });
      const typescript = partitionEdgeCut(bare(graph), k, { seed });
      expect(withKernels.vertexOwner).toEqual(typescript.vertexOwner);
      expect(withKernels.cutWeight).toBe(typescript.cutWeight);
    }
  });

  it('gives the same multilevel owners with kernels as the TypeScript path on polblogs and email_eu_core', () => {
    for (const [name, k] of [['polblogs.el', 16], ['email_eu_core.el', 8]] as const) {
      const graph = loadGraph(host, DATA + name);
      const withKernels = partitionEdgeCut(graph, k, { seed: 3 });
      const typescript = partitionEdgeCut(bare(graph), k, { seed: 3 });
      expect(withKernels.vertexOwner).toEqual(typescript.vertexOwner);
      expect(withKernels.balanced).toBe(true);
    }
  });

  it('releases its scratch: the arena top is where it was', () => {
    const graph = buildGraph(host, randomArcs(new Random(5), 300, 1200));
    const before = host.arena.mark();
    partitionEdgeCut(graph, 4, { seed: 2 });
    expect(host.arena.mark()).toBe(before);
  });
});
