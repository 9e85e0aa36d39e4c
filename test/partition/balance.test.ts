import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, createPrng, OptionsError, type NeuromorphicGraph } from '../../src/index.js';
import { ALGORITHMS } from '../../src/execute/types.js';
import { balanceLoad, calculateLoadBalanceScore, loadModelFor } from '../../src/partition/balance.js';
import { partitionEdgeCut } from '../../src/partition/edgecut.js';
import { partitionHybrid } from '../../src/partition/hybrid.js';
import { countCutArcs, modelLoads, partitionQuality } from '../../src/partition/metrics.js';
import { checkAssignment, type PartitionAssignment } from '../../src/partition/plan.js';
import { randomVertexCut } from '../../src/partition/vertexcut.js';

const host = createHostSync();

function graphOf(n: number, arcs: Array<[number, number]>): NeuromorphicGraph {
  return buildGraph(host, { n, src: arcs.map((a) => a[0]), dst: arcs.map((a) => a[1]) });
}

/** A side × side grid, both arc directions (a road-like graph with a known good cut). */
function gridGraph(side: number): NeuromorphicGraph {
  const arcs: Array<[number, number]> = [];
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const v = r * side + c;
      if (c + 1 < side) arcs.push([v, v + 1], [v + 1, v]);
      if (r + 1 < side) arcs.push([v, v + side], [v + side, v]);
    }
  }
  return graphOf(side * side, arcs);
}

function randomGraph(seed: number, n: number, m: number): NeuromorphicGraph {
  const random = createPrng(seed);
  const arcs: Array<[number, number]> = [];
  for (let i = 0; i < m; i++) arcs.push([random.nextInt(n), random.nextInt(n)]);
  return graphOf(n, arcs);
}

const arcsOnly = { vertexCost: 0, arcCost: 1 };
const verticesOnly = { vertexCost: 1, arcCost: 0 };

/** The in-arcs of v (CSR indices), by scanning every arc: independent of the code under test. */
function inArcIndices(g: NeuromorphicGraph, v: number): number[] {
  const found: number[] = [];
  for (let u = 0; u < g.n; u++) for (let a = g.outOffsets[u]!; a < g.outOffsets[u + 1]!; a++) if (g.outTargets[a] === v) found.push(a);
  return found;
}

function changedEntries(a: Int32Array, b: Int32Array): number {
  let changed = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) changed++;
  return changed;
}

describe('calculateLoadBalanceScore and loadModelFor', () => {
  it('imbalance = max / mean − 1 and score = 1 / (1 + imbalance), on a hand-counted assignment', () => {
    // 4 vertices: parts hold vertices {0, 1, 2} and {3}; arcs 0->1, 1->2, 2->3 live with their targets
    const g = graphOf(4, [[0, 1], [1, 2], [2, 3]]);
    const assignment: PartitionAssignment = { k: 2, strategy: 'edge-cut', vertexOwner: Int32Array.from([0, 0, 0, 1]), arcOwner: null };
    const byVertices = calculateLoadBalanceScore(assignment, g, verticesOnly);
    expect(Array.from(byVertices.loads)).toEqual([3, 1]);
    expect(byVertices.imbalance).toBeCloseTo(0.5, 12); // 3 / 2 − 1
    expect(byVertices.score).toBeCloseTo(2 / 3, 12);
    // arcs: 0->1 and 1->2 on part 0, 2->3 on part 1; loads with vertices: [3 + 2, 1 + 1]
    const both = calculateLoadBalanceScore(assignment, g, { vertexCost: 1, arcCost: 1 });
    expect(Array.from(both.loads)).toEqual([5, 2]);
    expect(both.score).toBeCloseTo(3.5 / 5, 12);
  });

  it('load models: arcs dominate the searches, a vertex costs more than an arc in PageRank (exact sums) and LIF; unknown algorithm -> OptionsError', () => {
    for (const algorithm of ALGORITHMS) {
      const model = loadModelFor(algorithm) as { vertexCost: number; arcCost: number };
      expect(model.vertexCost).toBeGreaterThan(0);
      expect(model.arcCost).toBeGreaterThan(0);
      if (algorithm === 'lif' || algorithm === 'pagerank') expect(model.vertexCost).toBeGreaterThan(model.arcCost);
      else expect(model.arcCost).toBeGreaterThan(model.vertexCost);
    }
    expect(() => loadModelFor('dijkstra' as never)).toThrow(OptionsError);
  });
});

describe('balanceLoad', () => {
  const grid = gridGraph(30);

  it('edge-cut on a grid: a deliberately skewed partition is balanced within 3% with few moves and little cut damage', () => {
    const k = 4;
    const good = partitionEdgeCut(grid, k, { seed: 3 });
    const goodCut = countCutArcs(good, grid);
    // skew: 60 vertices of part 1 (in id order) join part 0 -> part 0 holds 225 + 60 of 900
    const skewed = good.vertexOwner.slice();
    let taken = 0;
    for (let v = 0; v < grid.n && taken < 60; v++) if (skewed[v] === 1) (skewed[v] = 0), taken++;
    const before: PartitionAssignment = { k, strategy: 'edge-cut', vertexOwner: skewed, arcOwner: null };
    const skewedScore = calculateLoadBalanceScore(before, grid, verticesOnly);
    expect(skewedScore.imbalance).toBeGreaterThan(0.2);
    const balanced = balanceLoad(grid, before, { model: verticesOnly });
    checkAssignment(balanced, grid);
    expect(balanced.arcOwner).toBeNull();
    expect(calculateLoadBalanceScore(balanced, grid, verticesOnly).imbalance).toBeLessThanOrEqual(0.03 + 1e-12);
    // moving 60 vertices back would do; allow some slack for the choice of which ones
    const moves = changedEntries(skewed, balanced.vertexOwner);
    expect(moves).toBeLessThanOrEqual(90);
    // the skewing itself cut through the grid; balancing must not make the cut much worse than that
    const skewedCut = countCutArcs(before, grid);
    expect(countCutArcs(balanced, grid)).toBeLessThanOrEqual(Math.max(skewedCut, goodCut) * 1.25);
    // the input is not modified
    expect(changedEntries(skewed, before.vertexOwner)).toBe(0);
  });

  it('edge-cut: balancing an already balanced partition changes nothing', () => {
    const good = partitionEdgeCut(grid, 4, { seed: 3 });
    const after = balanceLoad(grid, good, { model: verticesOnly });
    expect(changedEntries(good.vertexOwner, after.vertexOwner)).toBe(0);
  });

  it('vertex-cut: skewed arcs are balanced within 3%, every arc keeps one owner, replication barely moves', () => {
    const g = randomGraph(11, 400, 4000);
    const k = 8;
    const start = randomVertexCut(g, { k, seed: 2 });
    const arcOwner = start.arcOwner!.slice();
    // skew: half of part 3's arcs go to part 0
    let flip = false;
    for (let a = 0; a < arcOwner.length; a++) if (arcOwner[a] === 3 && (flip = !flip)) arcOwner[a] = 0;
    const skewed: PartitionAssignment = { ...start, arcOwner };
    expect(calculateLoadBalanceScore(skewed, g, arcsOnly).imbalance).toBeGreaterThan(0.2);
    const balanced = balanceLoad(g, skewed, { model: arcsOnly });
    checkAssignment(balanced, g);
    expect(calculateLoadBalanceScore(balanced, g, arcsOnly).imbalance).toBeLessThanOrEqual(0.03 + 1e-12);
    expect(Array.from(balanced.vertexOwner)).toEqual(Array.from(start.vertexOwner)); // masters stay
    const rfBefore = partitionQuality(skewed, g).replicationFactor;
    expect(partitionQuality(balanced, g).replicationFactor).toBeLessThanOrEqual(rfBefore * 1.05);
  });

  it('vertex-cut under a model where vertices weigh 15 arcs: masters move to parts that hold their copies (and vertices without arcs anywhere), arcs stay, no copy is added', () => {
    // 300 vertices with arcs, then 300 without; every master of the second half on part 0
    const base = randomGraph(17, 300, 3000);
    const arcs: Array<[number, number]> = [];
    for (let u = 0; u < base.n; u++) for (let a = base.outOffsets[u]!; a < base.outOffsets[u + 1]!; a++) arcs.push([u, base.outTargets[a]!]);
    const g = graphOf(600, arcs);
    const k = 4;
    const start = randomVertexCut(g, { k, seed: 3 });
    const vertexOwner = start.vertexOwner.slice();
    for (let v = 300; v < 600; v++) vertexOwner[v] = 0;
    const skewed: PartitionAssignment = { ...start, vertexOwner };
    const heavyVertices = { vertexCost: 15, arcCost: 1 };
    expect(calculateLoadBalanceScore(skewed, g, heavyVertices).imbalance).toBeGreaterThan(0.5);
    const balanced = balanceLoad(g, skewed, { model: heavyVertices });
    checkAssignment(balanced, g);
    expect(calculateLoadBalanceScore(balanced, g, heavyVertices).imbalance).toBeLessThanOrEqual(0.03 + 1e-12);
    expect(Array.from(balanced.arcOwner!)).toEqual(Array.from(skewed.arcOwner!));
    expect(partitionQuality(balanced, g).replicationFactor).toBeLessThanOrEqual(partitionQuality(skewed, g).replicationFactor);
    // a moved master with arcs lands where its vertex already has a copy
    const copies = (v: number, p: number): boolean => {
      for (let a = g.outOffsets[v]!; a < g.outOffsets[v + 1]!; a++) if (balanced.arcOwner![a] === p) return true;
      for (let u = 0; u < g.n; u++) for (let a = g.outOffsets[u]!; a < g.outOffsets[u + 1]!; a++) if (g.outTargets[a] === v && balanced.arcOwner![a] === p) return true;
      return false;
    };
    for (let v = 0; v < 300; v++) if (balanced.vertexOwner[v] !== skewed.vertexOwner[v]) expect(copies(v, balanced.vertexOwner[v]!), `vertex ${v}`).toBe(true);
  });

  it('hybrid: low-degree vertices keep their in-arcs together while arcs are balanced', () => {
    const g = randomGraph(5, 300, 3000);
    const k = 6;
    const threshold = 12;
    // a loose imbalance leaves the hybrid unbalanced; then skew it further by hand
    const loose = partitionHybrid(g, k, { seed: 1, threshold, imbalance: 10 });
    const vertexOwner = loose.vertexOwner.slice();
    const arcOwner = loose.arcOwner!.slice();
    for (let v = 0; v < g.n; v += 3) {
      const ins = inArcIndices(g, v);
      if (ins.length > threshold) continue;
      vertexOwner[v] = 0;
      for (const a of ins) arcOwner[a] = 0;
    }
    const skewed: PartitionAssignment = { k, strategy: 'hybrid', vertexOwner, arcOwner };
    expect(calculateLoadBalanceScore(skewed, g, arcsOnly).imbalance).toBeGreaterThan(0.1);
    const balanced = balanceLoad(g, skewed, { model: arcsOnly, threshold });
    checkAssignment(balanced, g);
    expect(calculateLoadBalanceScore(balanced, g, arcsOnly).imbalance).toBeLessThanOrEqual(0.03 + 1e-12);
    for (let v = 0; v < g.n; v++) {
      const ins = inArcIndices(g, v);
      if (ins.length > threshold) continue;
      for (const a of ins) expect(balanced.arcOwner![a]).toBe(balanced.vertexOwner[v]);
    }
  });

  it('properties on random graphs: never loses a vertex or arc, never worsens the imbalance, deterministic', () => {
    const random = createPrng(99);
    for (let trial = 0; trial < 12; trial++) {
      const n = 20 + random.nextInt(150);
      const g = randomGraph(1000 + trial, n, random.nextInt(6 * n));
      const k = 1 + random.nextInt(12);
      // a biased random assignment: part 0 gets about half of everything
      const biased = (): number => (random.nextInt(2) === 0 ? 0 : random.nextInt(k));
      const vertexOwner = Int32Array.from({ length: g.n }, biased);
      const strategy = (['edge-cut', 'vertex-cut'] as const)[trial % 2]!;
      const arcOwner = strategy === 'edge-cut' ? null : Int32Array.from({ length: g.m }, biased);
      const assignment: PartitionAssignment = { k, strategy, vertexOwner, arcOwner };
      for (const model of [arcsOnly, verticesOnly, loadModelFor('pagerank')]) {
        const before = calculateLoadBalanceScore(assignment, g, model);
        const after = balanceLoad(g, assignment, { model });
        checkAssignment(after, g);
        expect(after.k).toBe(k);
        expect(after.strategy).toBe(strategy);
        const loads = modelLoads(after, g, model);
        expect(loads.reduce((s, x) => s + x, 0)).toBeCloseTo(before.loads.reduce((s, x) => s + x, 0), 6);
        expect(calculateLoadBalanceScore(after, g, model).imbalance).toBeLessThanOrEqual(before.imbalance + 1e-12);
        const again = balanceLoad(g, assignment, { model });
        expect(Array.from(again.vertexOwner)).toEqual(Array.from(after.vertexOwner));
        if (after.arcOwner) expect(Array.from(again.arcOwner!)).toEqual(Array.from(after.arcOwner));
      }
    }
  });

  it('bad options -> OptionsError', () => {
    const g = graphOf(3, [[0, 1], [1, 2]]);
    const assignment: PartitionAssignment = { k: 2, strategy: 'edge-cut', vertexOwner: Int32Array.from([0, 0, 1]), arcOwner: null };
    expect(() => balanceLoad(g, assignment, undefined as never)).toThrow(OptionsError);
    expect(() => balanceLoad(g, assignment, { model: arcsOnly, imbalance: -1 })).toThrow(OptionsError);
    expect(() => balanceLoad(g, assignment, { model: { arcCost: [1] } })).toThrow(OptionsError);
    expect(() => balanceLoad(g, assignment, { model: { vertexCost: -2 } })).toThrow(OptionsError);
  });
});
