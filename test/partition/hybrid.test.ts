import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, createPrng, loadGraph, OptionsError, type NeuromorphicGraph } from '../../src/index.js';
import { analyzeGraphStructure } from '../../src/analyse/analyse.js';
import { defaultHybridThreshold, hybridThreshold, partitionHybrid } from '../../src/partition/hybrid.js';
import { countPerPart, imbalance, partitionQuality } from '../../src/partition/metrics.js';
import { checkAssignment, type PartitionAssignment } from '../../src/partition/plan.js';
import { gridVertexCut } from '../../src/partition/vertexcut.js';
import { generateRmat } from '../../src/generate/rmat.js';

const host = createHostSync();

function graphOf(n: number, arcs: Array<[number, number]>): NeuromorphicGraph {
  return buildGraph(host, { n, src: arcs.map((a) => a[0]), dst: arcs.map((a) => a[1]) });
}

function randomGraph(seed: number, n: number, m: number): NeuromorphicGraph {
  const random = createPrng(seed);
  const arcs: Array<[number, number]> = [];
  for (let i = 0; i < m; i++) arcs.push([random.nextInt(n), random.nextInt(n)]);
  return graphOf(n, arcs);
}

const path = graphOf(6, [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
const star = graphOf(9, [1, 2, 3, 4, 5, 6, 7, 8].flatMap((leaf): Array<[number, number]> => [[0, leaf], [leaf, 0]]));
const clique = graphOf(6, [0, 1, 2, 3, 4, 5].flatMap((u) => [0, 1, 2, 3, 4, 5].filter((v) => v !== u).map((v): [number, number] => [u, v])));
const disconnected = graphOf(9, [[0, 1], [1, 2], [2, 0], [0, 1], [3, 3], [4, 5], [5, 6], [6, 7], [7, 4]]);
const shapes: Array<[string, NeuromorphicGraph]> = [
  ['path', path],
  ['star', star],
  ['clique', clique],
  ['disconnected', disconnected],
  ['empty', graphOf(0, [])],
  ['no arcs', graphOf(5, [])],
  ['random', randomGraph(3, 60, 400)],
];

/** In-degree of every vertex and the arcs (CSR index, source) into it, by a plain scan. */
function inArcs(g: NeuromorphicGraph): Array<Array<[number, number]>> {
  const result = Array.from({ length: g.n }, (): Array<[number, number]> => []);
  for (let u = 0; u < g.n; u++) for (let a = g.outOffsets[u]!; a < g.outOffsets[u + 1]!; a++) result[g.outTargets[a]!]!.push([a, u]);
  return result;
}

/** Structure every hybrid must have: one owner per arc in [0, k), low-degree in-arcs on their vertex's master. */
function expectHybrid(plan: PartitionAssignment, g: NeuromorphicGraph, k: number, threshold: number): void {
  expect(plan.k).toBe(k);
  expect(plan.strategy).toBe('hybrid');
  expect(plan.arcOwner).not.toBeNull();
  checkAssignment(plan, g); // lengths and ranges
  expect(countPerPart(plan.arcOwner!, k).reduce((s, x) => s + x, 0)).toBe(g.m);
  const ins = inArcs(g);
  let apart = 0;
  for (let v = 0; v < g.n; v++) {
    if (ins[v]!.length > threshold) continue;
    for (const [a] of ins[v]!) if (plan.arcOwner![a] !== plan.vertexOwner[v]) apart++;
  }
  expect(apart).toBe(0);
}

const facebook = loadGraph(host, 'test/fixtures/data/facebook.el.gz');
const emailEu = loadGraph(host, 'test/fixtures/data/email_eu_core.el');
const rmat12 = buildGraph(host, generateRmat({ scale: 12, edgeFactor: 16, seed: 1 }), { trusted: true });

describe('partitionHybrid: structure', () => {
  it('every arc exactly once, owners in [0, k), low-degree in-arcs together, on small shapes and k in {1, 2, 5, 16, 64}', () => {
    for (const [, g] of shapes) {
      for (const k of [1, 2, 5, 16, 64]) {
        for (const threshold of [0, 1, 3, Infinity]) {
          const plan = partitionHybrid(g, k, { seed: 4, threshold });
          expectHybrid(plan, g, k, threshold);
          if (k === 1) expect(plan.arcOwner!.every((p) => p === 0)).toBe(true);
        }
      }
    }
  });

  it('threshold Infinity is the pull-model edge-cut (every arc with its target); otherwise an arc from a low-degree vertex to a hub stays with its source', () => {
    const g = randomGraph(8, 200, 1500);
    // a loose imbalance: no fix-up, so the placement rule shows as is
    const together = partitionHybrid(g, 4, { seed: 2, threshold: Infinity, imbalance: 10 });
    const threshold = 5;
    const split = partitionHybrid(g, 4, { seed: 2, threshold, imbalance: 10 });
    const ins = inArcs(g);
    let notWithTarget = 0;
    let lowToHub = 0;
    let notWithLowSource = 0;
    for (let u = 0; u < g.n; u++) {
      for (let a = g.outOffsets[u]!; a < g.outOffsets[u + 1]!; a++) {
        if (together.arcOwner![a] !== together.vertexOwner[g.outTargets[a]!]) notWithTarget++;
        if (ins[u]!.length <= threshold && ins[g.outTargets[a]!]!.length > threshold) {
          lowToHub++;
          if (split.arcOwner![a] !== split.vertexOwner[u]) notWithLowSource++;
        }
      }
    }
    expect(notWithTarget).toBe(0);
    expect(lowToHub).toBeGreaterThan(50);
    expect(notWithLowSource).toBe(0);
    // and the two rules really differ on this graph
    expect(Array.from(together.arcOwner!)).not.toEqual(Array.from(split.arcOwner!));
  });

  it('arcs between hubs replicate less than with their sources (PowerLyra\'s rule), masters unchanged', () => {
    for (const [g, k] of [[randomGraph(9, 400, 6000), 8], [facebook, 16]] as const) {
      const plan = partitionHybrid(g, k, { seed: 3, threshold: 0, imbalance: 10 });
      // the same places, every arc into a hub moved to its source's place
      const bySource = new Int32Array(g.m);
      for (let u = 0; u < g.n; u++) for (let a = g.outOffsets[u]!; a < g.outOffsets[u + 1]!; a++) bySource[a] = plan.vertexOwner[u]!;
      const sourceRule: PartitionAssignment = { ...plan, arcOwner: bySource };
      expect(partitionQuality(plan, g).replicationFactor).toBeLessThan(0.8 * partitionQuality(sourceRule, g).replicationFactor);
    }
  });

  it('deterministic for a seed; another seed gives another partition', () => {
    const g = randomGraph(21, 300, 2500);
    const a = partitionHybrid(g, 8, { seed: 7 });
    const b = partitionHybrid(g, 8, { seed: 7 });
    const c = partitionHybrid(g, 8, { seed: 8 });
    expect(Array.from(a.arcOwner!)).toEqual(Array.from(b.arcOwner!));
    expect(Array.from(a.vertexOwner)).toEqual(Array.from(b.vertexOwner));
    expect(Array.from(a.arcOwner!)).not.toEqual(Array.from(c.arcOwner!));
  });

  it('bad options -> OptionsError', () => {
    expect(() => partitionHybrid(path, 0)).toThrow(OptionsError);
    expect(() => partitionHybrid(path, 2.5)).toThrow(OptionsError);
    expect(() => partitionHybrid(path, 2, { seed: 0.5 })).toThrow(OptionsError);
    expect(() => partitionHybrid(path, 2, { threshold: -1 })).toThrow(OptionsError);
    expect(() => partitionHybrid(path, 2, { threshold: Number.NaN })).toThrow(OptionsError);
    expect(() => partitionHybrid(path, 2, { imbalance: -0.1 })).toThrow(OptionsError);
    expect(() => partitionHybrid(path, 2, { passes: 0 })).toThrow(OptionsError);
  });
});

describe('hybridThreshold', () => {
  it('is the median in-degree, rounded up, at least 1; the analysis and the raw degrees agree', () => {
    // in-degrees 3, 1, 1, 0, 0: median 1
    const g = graphOf(5, [[1, 0], [2, 0], [3, 0], [0, 1], [0, 2]]);
    expect(hybridThreshold(analyzeGraphStructure(g))).toBe(1);
    expect(defaultHybridThreshold(Uint32Array.from([3, 1, 1, 0, 0]))).toBe(1);
    // even count: the two middle values 2 and 3 average 2.5 -> 3
    expect(defaultHybridThreshold(Uint32Array.from([9, 0, 3, 2]))).toBe(3);
    expect(hybridThreshold(analyzeGraphStructure(graphOf(4, [])))).toBe(1);
    expect(defaultHybridThreshold(new Uint32Array(0))).toBe(1);
    // facebook: the median of its in-degrees by a plain sort
    const sorted = inArcs(facebook).map((list) => list.length).sort((x, y) => x - y);
    const median = sorted.length % 2 ? sorted[sorted.length >> 1]! : (sorted[(sorted.length >> 1) - 1]! + sorted[sorted.length >> 1]!) / 2;
    expect(hybridThreshold(analyzeGraphStructure(facebook))).toBe(Math.max(1, Math.ceil(median)));
    expect(defaultHybridThreshold(Uint32Array.from(sorted))).toBe(Math.max(1, Math.ceil(median)));
  });
});

describe('partitionHybrid: quality on the heavy-tailed fixtures', () => {
  for (const [name, g, goal] of [['facebook', facebook, 0.35], ['email_eu_core', emailEu, 0.35], ['R-MAT scale 12', rmat12, 0.35]] as const) {
    it(`${name}: arcs within 3%, low-degree in-arcs together, replication below the 2D grid's at k = 8, 16${goal ? ' (≥ 35% lower)' : ''}`, () => {
      const threshold = defaultHybridThreshold(Uint32Array.from(inArcs(g).map((list) => list.length)));
      for (const k of [8, 16]) {
        const plan = partitionHybrid(g, k, { seed: 1 });
        expectHybrid(plan, g, k, threshold);
        expect(imbalance(countPerPart(plan.arcOwner!, k))).toBeLessThanOrEqual(0.03 + 1e-9);
        const hybrid = partitionQuality(plan, g).replicationFactor;
        const grid = partitionQuality(gridVertexCut(g, { k, seed: 1 }), g).replicationFactor;
        // measured (seed 1): facebook 1.59 vs 4.57 (k = 8), 1.96 vs 6.28 (k = 16); email-Eu-core 1.99 vs 3.94, 2.59 vs 5.42;
        // R-MAT 12: 1.66 vs 2.87, 2.03 vs 3.66
        expect(hybrid).toBeLessThan(grid * (1 - goal));
      }
    });
  }
});
