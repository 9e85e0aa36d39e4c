import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, createPrng, loadGraph, OptionsError, type NeuromorphicGraph } from '../../src/index.js';
import { partitionQuality, vertexCopies } from '../../src/partition/metrics.js';
import { checkAssignment, type PartitionAssignment } from '../../src/partition/plan.js';
import { generateRmat } from '../../src/generate/rmat.js';
import { gridShape, gridVertexCut, hdrfVertexCut, neVertexCut, randomVertexCut, vertexCut, VERTEX_CUT_METHODS, type HdrfOptions } from '../../src/partition/vertexcut.js';

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
// two components and an isolated vertex (8), with a self-loop and parallel arcs
const disconnected = graphOf(9, [[0, 1], [1, 2], [2, 0], [0, 1], [3, 3], [4, 5], [5, 6], [6, 7], [7, 4]]);
const empty = graphOf(0, []);
const noArcs = graphOf(5, []);
const shapes: Array<[string, NeuromorphicGraph]> = [['path', path], ['star', star], ['clique', clique], ['disconnected', disconnected], ['empty', empty], ['no arcs', noArcs], ['random', randomGraph(3, 60, 400)]];

/** Each arc exactly once with an owner in [0, k); masters in [0, k) and holding one of the vertex's arcs. */
function expectValid(plan: PartitionAssignment, g: NeuromorphicGraph, k: number): void {
  expect(plan.k).toBe(k);
  expect(plan.strategy).toBe('vertex-cut');
  expect(plan.arcOwner).not.toBeNull();
  checkAssignment(plan, g); // lengths and ranges: one owner per arc, in [0, k)
  const arcOwner = plan.arcOwner!;
  const offsets = g.outOffsets;
  const targets = g.outTargets;
  const holders = Array.from({ length: g.n }, () => new Set<number>());
  for (let u = 0; u < g.n; u++) {
    for (let a = offsets[u]!; a < offsets[u + 1]!; a++) {
      holders[u]!.add(arcOwner[a]!);
      holders[targets[a]!]!.add(arcOwner[a]!);
    }
  }
  for (let v = 0; v < g.n; v++) if (holders[v]!.size > 0) expect(holders[v]!.has(plan.vertexOwner[v]!)).toBe(true);
  const q = partitionQuality(plan, g);
  expect(q.arcLoads.reduce((s, x) => s + x, 0)).toBe(g.m);
}

describe('vertex-cut partitioners: structural properties', () => {
  for (const method of VERTEX_CUT_METHODS) {
    it(`${method}: every arc exactly once, owners in [0, k), on small shapes and k in {1, 2, 5, 16, 64}`, () => {
      for (const [, g] of shapes) {
        for (const k of [1, 2, 5, 16, 64]) {
          const plan = vertexCut(g, method, { k, seed: 5 });
          expectValid(plan, g, k);
          if (k === 1) {
            expect(plan.arcOwner!.every((p) => p === 0)).toBe(true);
            expect(partitionQuality(plan, g).replicationFactor).toBe(1);
          }
        }
      }
    });

    it(`${method}: deterministic for a seed, and the seed matters`, () => {
      const g = randomGraph(9, 200, 2000);
      const a = vertexCut(g, method, { k: 8, seed: 1 });
      const b = vertexCut(g, method, { k: 8, seed: 1 });
      expect(b.arcOwner).toEqual(a.arcOwner);
      expect(b.vertexOwner).toEqual(a.vertexOwner);
      const c = vertexCut(g, method, { k: 8, seed: 2 });
      expect(c.arcOwner).not.toEqual(a.arcOwner);
    });
  }

  it('rejects bad options with OptionsError naming the option', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => randomVertexCut(path, { k: 0 }), 'k'],
      [() => gridVertexCut(path, { k: 2.5 }), 'k'],
      [() => hdrfVertexCut(path, { k: 2, seed: 0.5 }), 'seed'],
      [() => hdrfVertexCut(path, { k: 2, lambda: -1 }), 'lambda'],
      [() => hdrfVertexCut(path, { k: 2, imbalance: Number.NaN }), 'imbalance'],
      [() => hdrfVertexCut(path, { k: 2, order: 'sorted' as HdrfOptions['order'] }), 'order'],
      [() => hdrfVertexCut(path, { k: 2, passes: 0 }), 'passes'],
      [() => neVertexCut(path, { k: 2, imbalance: -0.1 }), 'imbalance'],
      [() => neVertexCut(path, { k: 2, vertexLoad: Infinity }), 'vertexLoad'],
      [() => randomVertexCut(path, { k: 2, masters: 'first' as never }), 'masters'],
      [() => vertexCut(path, 'metis' as never, { k: 2 }), 'method'],
    ];
    for (const [run, option] of cases) {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OptionsError);
      expect((error as OptionsError).option).toBe(option);
    }
  });
});

describe('2D grid', () => {
  it('has k cells and a replication bound within 2√k for every k up to 2000', () => {
    for (let k = 1; k <= 2000; k++) {
      const shape = gridShape(k);
      expect(shape.heights.reduce((s, h) => s + h, 0)).toBe(k);
      expect(Math.max(...shape.heights) - Math.min(...shape.heights)).toBeLessThanOrEqual(1);
      expect(shape.replicationBound).toBe(Math.max(...shape.heights) + shape.columns - 1);
      expect(shape.replicationBound).toBeLessThanOrEqual(2 * Math.sqrt(k) + 1e-9);
    }
    expect(gridShape(16)).toMatchObject({ columns: 4, heights: [4, 4, 4, 4], replicationBound: 7 });
  });

  it('never gives a vertex more copies than the bound, square k or not', () => {
    // a dense random graph and a star: every vertex touches many cells
    const dense = randomGraph(4, 80, 6000);
    for (const g of [dense, star, clique]) {
      for (const k of [2, 3, 7, 8, 9, 10, 16, 23]) {
        const plan = gridVertexCut(g, { k, seed: 3 });
        const copies = vertexCopies(plan, g);
        const bound = gridShape(k).replicationBound;
        expect(Math.max(...copies)).toBeLessThanOrEqual(bound);
        expect(partitionQuality(plan, g).replicationFactor).toBeLessThanOrEqual(2 * Math.sqrt(k));
      }
    }
    // the bound is reached on a dense graph (it is not vacuous): some vertex spans its whole shard set
    const copies16 = vertexCopies(gridVertexCut(dense, { k: 16, seed: 3 }), dense);
    expect(Math.max(...copies16)).toBe(7);
  });
});

describe('2D grid balance', () => {
  it('spreads a skewed graph\'s arcs evenly by choosing the less loaded of two cells', () => {
    const g = loadGraph(host, 'test/fixtures/data/email_eu_core.el');
    // measured: 0.05% at k = 8 and 0.43% at k = 16 (a single cell per arc gave 16% and 33%)
    for (const k of [8, 16]) expect(partitionQuality(gridVertexCut(g, { k, seed: 1 }), g).arcImbalance).toBeLessThan(0.03);
  });
});

describe('masters', () => {
  it('balanced masters even out the vertex counts without changing the replication', () => {
    const g = loadGraph(host, 'test/fixtures/data/email_eu_core.el');
    const balanced = partitionQuality(hdrfVertexCut(g, { k: 8, seed: 1 }), g);
    const mostArcs = partitionQuality(hdrfVertexCut(g, { k: 8, seed: 1, masters: 'most-arcs' }), g);
    expect(balanced.replicationFactor).toBe(mostArcs.replicationFactor);
    expect([...balanced.arcLoads]).toEqual([...mostArcs.arcLoads]);
    expect(balanced.vertexImbalance).toBeLessThan(mostArcs.vertexImbalance);
    expect(balanced.vertexImbalance).toBeLessThan(0.03);
  });

  it('isolated vertices fill the parts with the fewest masters', () => {
    const plan = randomVertexCut(noArcs, { k: 2, seed: 3 });
    expect([...plan.vertexOwner].sort()).toEqual([0, 0, 0, 1, 1]);
  });
});

describe('HDRF', () => {
  it('holds arcs within the imbalance cap on random and skewed graphs', () => {
    const g = randomGraph(21, 300, 5000);
    for (const k of [3, 8, 16]) {
      for (const options of [{}, { order: 'bfs' as const, passes: 3 }, { order: 'csr' as const, lambda: 0 }]) {
        const plan = hdrfVertexCut(g, { k, seed: 2, ...options });
        const capacity = Math.max(Math.ceil(g.m / k), Math.floor((1.03 * g.m) / k));
        const q = partitionQuality(plan, g);
        expect(Math.max(...q.arcLoads)).toBeLessThanOrEqual(capacity);
        expect(q.arcImbalance).toBeLessThanOrEqual(0.03 + k / g.m);
      }
    }
  });

  it('replicates much less than random hashing on a heavy-tailed graph (email-Eu-core)', () => {
    const g = loadGraph(host, 'test/fixtures/data/email_eu_core.el');
    for (const k of [8, 16]) {
      const random = partitionQuality(randomVertexCut(g, { k, seed: 1 }), g);
      const grid = partitionQuality(gridVertexCut(g, { k, seed: 1 }), g);
      const hdrf = partitionQuality(hdrfVertexCut(g, { k, seed: 1 }), g);
      // measured (seed 1): k = 8 random 6.34, grid 3.94, hdrf 3.12; k = 16 random 11.08, grid 5.42,
      // hdrf 4.18. Asserted with margin: HDRF at least 35% below random, and below the grid.
      expect(hdrf.replicationFactor).toBeLessThan(0.65 * random.replicationFactor);
      expect(hdrf.replicationFactor).toBeLessThan(grid.replicationFactor);
      expect(grid.replicationFactor).toBeLessThan(random.replicationFactor);
      expect(hdrf.arcImbalance).toBeLessThanOrEqual(0.03);
    }
  });

  it('restreaming lowers the replication of a BFS-ordered stream (email-Eu-core: 4.10 -> 3.69 at k = 8)', () => {
    const g = loadGraph(host, 'test/fixtures/data/email_eu_core.el');
    const once = partitionQuality(hdrfVertexCut(g, { k: 8, seed: 1, order: 'bfs' }), g);
    const thrice = partitionQuality(hdrfVertexCut(g, { k: 8, seed: 1, order: 'bfs', passes: 3 }), g);
    expect(thrice.replicationFactor).toBeLessThanOrEqual(once.replicationFactor);
    expect(thrice.arcImbalance).toBeLessThanOrEqual(0.03);
  });
});

describe('neighbourhood expansion (NE)', () => {
  it('fills every part but the last to its share, within the imbalance cap', () => {
    const g = randomGraph(21, 300, 5000);
    for (const k of [2, 3, 8, 16]) {
      const q = partitionQuality(neVertexCut(g, { k, seed: 4 }), g);
      const capacity = Math.max(Math.ceil(g.m / k), Math.floor((1.03 * g.m) / k));
      expect(Math.max(...q.arcLoads)).toBeLessThanOrEqual(capacity);
      // no part is starved: each holds at least 90% of an even share
      expect(Math.min(...q.arcLoads)).toBeGreaterThanOrEqual(0.9 * (g.m / k));
    }
  });

  it('keeps a disconnected graph\'s components apart when they fit (two triangles, k = 2)', () => {
    const g = graphOf(6, [[0, 1], [1, 2], [2, 0], [3, 4], [4, 5], [5, 3]]);
    const plan = neVertexCut(g, { k: 2, seed: 0 });
    const q = partitionQuality(plan, g);
    expect([...q.arcLoads]).toEqual([3, 3]);
    expect(q.replicationFactor).toBe(1);
  });

  it('vertexLoad 1 balances arcs + masters where arcs alone leave the last parts full of vertices (email-Enron)', () => {
    const g = loadGraph(host, 'test/fixtures/data/email_enron.el.gz');
    const model = { vertexCost: 1, arcCost: 1 };
    const arcsOnly = partitionQuality(neVertexCut(g, { k: 8, seed: 1 }), g, model);
    const combined = partitionQuality(neVertexCut(g, { k: 8, seed: 1, vertexLoad: 1 }), g, model);
    // measured: arcs + masters imbalance 22.4% -> 0.1%, replication 1.172 -> 1.174, arcs 0.1% -> 6.7%
    expect(arcsOnly.loadImbalance).toBeGreaterThan(0.1);
    expect(combined.loadImbalance).toBeLessThanOrEqual(0.03);
    expect(combined.replicationFactor).toBeLessThan(1.05 * arcsOnly.replicationFactor);
    expect(arcsOnly.arcImbalance).toBeLessThanOrEqual(0.03);
  });

  it('places each fringe vertex (degree ≤ 3 here) with its neighbours: a leaf never adds a copy of its hub', () => {
    // a dense core of 100 vertices (mean degree 2m/n = 21 with the leaves, so fringe degree 3) and 100 leaves
    const random = createPrng(9);
    const arcs: Array<[number, number]> = [];
    for (let i = 0; i < 2000; i++) arcs.push([random.nextInt(100), random.nextInt(100)]);
    const hubOf = (leaf: number): number => (leaf * 37) % 100;
    for (let leaf = 100; leaf < 200; leaf++) arcs.push(leaf % 2 === 0 ? [leaf, hubOf(leaf)] : [hubOf(leaf), leaf]);
    const g = graphOf(200, arcs);
    for (const k of [2, 5, 8]) {
      const plan = neVertexCut(g, { k, seed: 3 });
      expectValid(plan, g, k);
      const arcOwner = plan.arcOwner!;
      const capacity = Math.max(Math.ceil(g.m / k), Math.floor((1.03 * g.m) / k));
      expect(Math.max(...partitionQuality(plan, g).arcLoads)).toBeLessThanOrEqual(capacity);
      const offsets = g.outOffsets;
      const targets = g.outTargets;
      const partsOf = Array.from({ length: g.n }, () => new Map<number, number>());
      for (let u = 0; u < g.n; u++) {
        for (let a = offsets[u]!; a < offsets[u + 1]!; a++) {
          for (const x of [u, targets[a]!]) partsOf[x]!.set(arcOwner[a]!, (partsOf[x]!.get(arcOwner[a]!) ?? 0) + 1);
        }
      }
      for (let leaf = 100; leaf < 200; leaf++) {
        const [part] = [...partsOf[leaf]!.keys()];
        expect(partsOf[leaf]!.size).toBe(1);
        // the hub holds another arc on the leaf's part
        expect(partsOf[hubOf(leaf)]!.get(part!)!).toBeGreaterThan(1);
      }
    }
  });

  it('replicates less than the paper\'s NE alone (plain) on R-MAT 12, within the cap; vertexLoad runs are the plain ones', () => {
    const g = buildGraph(host, generateRmat({ scale: 12, edgeFactor: 16, seed: 1 }), { trusted: true });
    for (const k of [4, 8, 16]) {
      const plain = partitionQuality(neVertexCut(g, { k, seed: 1, plain: true }), g);
      const refined = partitionQuality(neVertexCut(g, { k, seed: 1 }), g);
      // measured (seed 1): k = 4 1.322 -> 1.294, k = 8 1.600 -> 1.566, k = 16 1.984 -> 1.945
      expect(refined.replicationFactor).toBeLessThan(0.99 * plain.replicationFactor);
      expect(refined.arcImbalance).toBeLessThanOrEqual(0.03);
    }
    // with a vertex load the additions are off (they would unbalance the first copies)
    expect(neVertexCut(g, { k: 8, seed: 1, vertexLoad: 0.3 }).arcOwner).toEqual(neVertexCut(g, { k: 8, seed: 1, vertexLoad: 0.3, plain: true }).arcOwner);
  });

  it('replicates less than HDRF and far less than random hashing on email-Eu-core', () => {
    const g = loadGraph(host, 'test/fixtures/data/email_eu_core.el');
    for (const k of [8, 16]) {
      const random = partitionQuality(randomVertexCut(g, { k, seed: 1 }), g);
      const hdrf = partitionQuality(hdrfVertexCut(g, { k, seed: 1 }), g);
      const ne = partitionQuality(neVertexCut(g, { k, seed: 1 }), g);
      // measured (seed 1): k = 8 ne 2.00 (random 6.34, hdrf 3.12); k = 16 ne 2.52 (11.08, 4.18)
      expect(ne.replicationFactor).toBeLessThan(0.45 * random.replicationFactor);
      expect(ne.replicationFactor).toBeLessThan(0.9 * hdrf.replicationFactor);
      expect(ne.arcImbalance).toBeLessThanOrEqual(0.03);
    }
  });
});
