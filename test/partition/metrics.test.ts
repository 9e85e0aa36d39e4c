import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, createPrng, ErrorCode, InputError, OptionsError, type NeuromorphicGraph } from '../../src/index.js';
import { arcOwnersOf, checkAssignment, type PartitionAssignment } from '../../src/partition/plan.js';
import {
  communicationVolume,
  cutFraction,
  imbalance,
  modelLoads,
  partitionQuality,
  replicationFactor,
  undirectedCut,
  vertexCopies,
} from '../../src/partition/metrics.js';

const host = createHostSync();

function graphOf(n: number, arcs: Array<[number, number]>): NeuromorphicGraph {
  return buildGraph(host, { n, src: arcs.map((a) => a[0]), dst: arcs.map((a) => a[1]) });
}

function edgeCut(k: number, owners: number[]): PartitionAssignment {
  return { k, strategy: 'edge-cut', vertexOwner: Int32Array.from(owners), arcOwner: null };
}

describe('imbalance', () => {
  it('is max over mean minus one, counting empty parts in the mean', () => {
    expect(imbalance([3, 1])).toBe(0.5);
    expect(imbalance([2, 2, 2])).toBe(0);
    expect(imbalance([4, 0, 0, 0])).toBe(3);
    expect(imbalance([0, 0])).toBe(0);
    expect(imbalance([])).toBe(0);
  });
});

describe('metrics on hand-computed graphs', () => {
  it('path 0->1->2->3 split in halves (edge-cut, pull model)', () => {
    const g = graphOf(4, [[0, 1], [1, 2], [2, 3]]);
    const plan = edgeCut(2, [0, 0, 1, 1]);
    // pull model: each arc lives with its target's owner
    expect([...arcOwnersOf(plan, g)]).toEqual([0, 1, 1]);
    // vertex 1 has a ghost on part 1 (arc 1->2 lives there); every other vertex only its master
    expect([...vertexCopies(plan, g)]).toEqual([1, 2, 1, 1]);
    const q = partitionQuality(plan, g);
    expect(q.cutArcs).toBe(1);
    expect(q.cutFraction).toBeCloseTo(1 / 3, 15);
    expect(q.undirectedEdges).toBe(3);
    expect(q.undirectedCutEdges).toBe(1);
    expect(q.replicationFactor).toBe(1.25);
    expect(q.communicationVolume).toBe(1);
    expect(q.vertexImbalance).toBe(0);
    expect([...q.arcLoads]).toEqual([1, 2]);
    expect(q.arcImbalance).toBeCloseTo(2 / 1.5 - 1, 15);
    // default load model: one per master vertex plus one per arc
    expect([...q.loads]).toEqual([3, 4]);
    expect(q.emptyParts).toBe(0);
  });

  it('star split as a vertex-cut: the hub is mirrored once', () => {
    const g = graphOf(5, [[0, 1], [0, 2], [0, 3], [0, 4]]);
    const plan: PartitionAssignment = { k: 2, strategy: 'vertex-cut', vertexOwner: Int32Array.from([0, 0, 0, 1, 1]), arcOwner: Int32Array.from([0, 0, 1, 1]) };
    expect([...vertexCopies(plan, g)]).toEqual([2, 1, 1, 1, 1]);
    expect(replicationFactor(plan, g)).toBe(6 / 5);
    expect(communicationVolume(plan, g)).toBe(1);
    // cut by master owners: 0->3 and 0->4
    expect(cutFraction(plan, g)).toBe(0.5);
    const q = partitionQuality(plan, g, { vertexCost: [10, 1, 1, 1, 1], arcCost: 0 });
    expect([...q.loads]).toEqual([12, 2]);
    expect(q.loadImbalance).toBeCloseTo(12 / 7 - 1, 15);
  });

  it('two triangles and a bridge, with parallel, antiparallel and self-loop arcs', () => {
    const triangle = (a: number, b: number, c: number): Array<[number, number]> => [[a, b], [b, a], [b, c], [c, b], [a, c], [c, a]];
    const arcs: Array<[number, number]> = [...triangle(0, 1, 2), ...triangle(3, 4, 5), [2, 3], [0, 1], [1, 1]];
    const g = graphOf(6, arcs);
    const plan = edgeCut(2, [0, 0, 0, 1, 1, 1]);
    const q = partitionQuality(plan, g);
    expect(q.m).toBe(15);
    expect(q.cutArcs).toBe(1);
    expect(q.cutFraction).toBe(1 / 15);
    // the simple undirected graph: 3 + 3 triangle edges and the bridge
    expect(q.undirectedEdges).toBe(7);
    expect(q.undirectedCutEdges).toBe(1);
    expect(q.undirectedCutFraction).toBe(1 / 7);
    // only vertex 2 is needed elsewhere (by 3's in-arc on part 1)
    expect(q.replicationFactor).toBe(7 / 6);
    expect(q.communicationVolume).toBe(1);
    // every vertex on its own part: every arc but the self-loop is cut
    const singletons = partitionQuality(edgeCut(6, [0, 1, 2, 3, 4, 5]), g);
    expect(singletons.cutArcs).toBe(14);
    expect(singletons.undirectedCutEdges).toBe(7);
  });

  it('k > n leaves parts empty and counts them in the mean', () => {
    const g = graphOf(2, [[0, 1]]);
    const q = partitionQuality(edgeCut(4, [0, 3]), g);
    expect(q.emptyParts).toBe(2);
    expect(q.vertexImbalance).toBe(1); // max 1, mean 0.5
    expect(q.replicationFactor).toBe(1.5);
  });

  it('an empty graph has no cut, no volume and replication 1', () => {
    const g = graphOf(0, []);
    const q = partitionQuality(edgeCut(3, []), g);
    expect(q.cutFraction).toBe(0);
    expect(q.undirectedCutFraction).toBe(0);
    expect(q.replicationFactor).toBe(1);
    expect(q.communicationVolume).toBe(0);
    expect(q.vertexImbalance).toBe(0);
    expect(q.emptyParts).toBe(3);
  });
});

describe('assignment checks', () => {
  const g = graphOf(3, [[0, 1], [1, 2]]);
  it('names the field and the offending entry', () => {
    const bad: Array<[PartitionAssignment, string, string]> = [
      [edgeCut(2, [0, 1]), 'vertexOwner', ErrorCode.INPUT_SYNTAX],
      [edgeCut(2, [0, 1, 2]), 'vertexOwner', ErrorCode.INPUT_RANGE],
      [{ k: 2, strategy: 'vertex-cut', vertexOwner: Int32Array.from([0, 0, 1]), arcOwner: null }, 'arcOwner', ErrorCode.INPUT_SYNTAX],
      [{ k: 2, strategy: 'vertex-cut', vertexOwner: Int32Array.from([0, 0, 1]), arcOwner: Int32Array.from([0]) }, 'arcOwner', ErrorCode.INPUT_SYNTAX],
      [{ k: 2, strategy: 'vertex-cut', vertexOwner: Int32Array.from([0, 0, 1]), arcOwner: Int32Array.from([0, -1]) }, 'arcOwner', ErrorCode.INPUT_RANGE],
    ];
    for (const [plan, field, code] of bad) {
      let error: unknown;
      try {
        checkAssignment(plan, g, 'plan.json');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).field).toBe(field);
      expect((error as InputError).code).toBe(code);
      expect((error as InputError).file).toBe('plan.json');
    }
    expect(() => checkAssignment(edgeCut(0, [0, 0, 0]), g)).toThrow(OptionsError);
    expect(() => arcOwnersOf({ k: 2, strategy: 'hybrid', vertexOwner: Int32Array.from([0, 0, 1]), arcOwner: null }, g)).toThrow(OptionsError);
    expect(() => modelLoads(edgeCut(2, [0, 0, 1]), g, { vertexCost: [1, 2] })).toThrow(OptionsError);
  });
});

describe('metric properties on random graphs', () => {
  it('agree with a brute-force count from arc lists and sets', () => {
    const random = createPrng(7);
    for (let trial = 0; trial < 30; trial++) {
      const n = 1 + random.nextInt(40);
      const m = random.nextInt(120);
      const k = 1 + random.nextInt(9);
      const arcs: Array<[number, number]> = [];
      for (let i = 0; i < m; i++) arcs.push([random.nextInt(n), random.nextInt(n)]);
      const g = graphOf(n, arcs);
      const vertexOwner = Int32Array.from({ length: n }, () => random.nextInt(k));
      const vertexCut = trial % 2 === 1;
      const arcOwner = vertexCut ? Int32Array.from({ length: m }, () => random.nextInt(k)) : null;
      const plan: PartitionAssignment = { k, strategy: vertexCut ? 'vertex-cut' : 'edge-cut', vertexOwner, arcOwner };
      const q = partitionQuality(plan, g);

      // brute force over the CSR arc list (arc owner in CSR order)
      const offsets = g.outOffsets;
      const targets = g.outTargets;
      const holders = Array.from({ length: n }, (_, v) => new Set([vertexOwner[v]!]));
      const pairs = new Set<string>();
      const cutPairs = new Set<string>();
      let cut = 0;
      for (let u = 0; u < n; u++) {
        for (let a = offsets[u]!; a < offsets[u + 1]!; a++) {
          const v = targets[a]!;
          const owner = arcOwner ? arcOwner[a]! : vertexOwner[v]!;
          holders[u]!.add(owner);
          holders[v]!.add(owner);
          if (vertexOwner[u] !== vertexOwner[v]) cut++;
          if (u !== v) {
            const key = `${Math.min(u, v)},${Math.max(u, v)}`;
            pairs.add(key);
            if (vertexOwner[u] !== vertexOwner[v]) cutPairs.add(key);
          }
        }
      }
      const copies = holders.reduce((total, set) => total + set.size, 0);
      expect(q.cutArcs).toBe(cut);
      expect(q.undirectedEdges).toBe(pairs.size);
      expect(q.undirectedCutEdges).toBe(cutPairs.size);
      expect(q.communicationVolume).toBe(copies - n);
      expect(q.replicationFactor).toBeCloseTo(copies / n, 12);
      expect(q.replicationFactor).toBeGreaterThanOrEqual(1);
      expect(q.replicationFactor).toBeLessThanOrEqual(k);
      expect(q.communicationVolume).toBeCloseTo(n * (q.replicationFactor - 1), 9);
      expect(q.vertexLoads.reduce((s, x) => s + x, 0)).toBe(n);
      expect(q.arcLoads.reduce((s, x) => s + x, 0)).toBe(m);
      expect(q.vertexImbalance).toBeGreaterThanOrEqual(0);
      expect(q.vertexImbalance).toBeLessThanOrEqual(k - 1);
      expect(undirectedCut(plan, g)).toEqual({ edges: pairs.size, cut: cutPairs.size });
    }
  });

  it('an edge-cut without arcOwner measures the same as with its pull-model owners spelled out', () => {
    const random = createPrng(11);
    const n = 50;
    const arcs: Array<[number, number]> = Array.from({ length: 300 }, () => [random.nextInt(n), random.nextInt(n)]);
    const g = graphOf(n, arcs);
    const plan = edgeCut(4, Array.from({ length: n }, () => random.nextInt(4)));
    const explicit = { ...plan, arcOwner: arcOwnersOf(plan, g) };
    expect(partitionQuality(explicit, g)).toEqual(partitionQuality(plan, g));
    // a push-only graph (built without its CSC) measures the same: the metrics build their own in-lists
    const pushOnly = buildGraph(host, { n, src: arcs.map((a) => a[0]), dst: arcs.map((a) => a[1]) }, { inArcs: false });
    expect(pushOnly.hasInArcs).toBe(false);
    expect(partitionQuality(plan, pushOnly)).toEqual(partitionQuality(plan, g));
    // one part: nothing cut, nothing replicated
    const whole = partitionQuality(edgeCut(1, new Array(n).fill(0)), g);
    expect(whole.cutArcs).toBe(0);
    expect(whole.replicationFactor).toBe(1);
  });
});
