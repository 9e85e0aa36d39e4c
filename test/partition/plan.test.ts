/**
 * PartitionPlan (src/partition/layout.ts) held to a naive oracle on seeded random graphs and every
 * strategy: the replica sets are recomputed from the definition (a Set of "v@p" per arc end), the
 * exchange lists are checked pairwise through global ids, and the replica total against
 * metrics.communicationVolume.
 */
import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, type NeuromorphicGraph } from '../../src/index.js';
import { buildPartitionPlan, localIdOf, receiveList, sendList, type PartitionPlan } from '../../src/partition/layout.js';
import { communicationVolume, modelLoads, partitionQuality, replicationFactor } from '../../src/partition/metrics.js';
import { arcOwnersOf, checkAssignment, type PartitionAssignment } from '../../src/partition/plan.js';
import { DistributedGraphPartitioner, edgeCutVertexWeights, partitionGraphForAlgorithm } from '../../src/partition/partitioner.js';
import { OptionsError } from '../../src/errors.js';
import { partitionEdgeCut } from '../../src/partition/edgecut.js';
import { partitionHybrid } from '../../src/partition/hybrid.js';
import { vertexCut } from '../../src/partition/vertexcut.js';
import { Random } from '../helpers/random.js';

const host = createHostSync();

function graphOf(n: number, arcs: Array<[number, number]>): NeuromorphicGraph {
  return buildGraph(host, { n, src: arcs.map((a) => a[0]), dst: arcs.map((a) => a[1]) });
}

function randomGraph(random: Random): NeuromorphicGraph {
  const n = random.int(0, 40);
  const m = n === 0 ? 0 : random.int(0, 3 * n);
  const arcs: Array<[number, number]> = [];
  // a few hubs so vertex-cuts produce mirrors on several parts
  const hubs = Math.max(1, n >> 3);
  for (let i = 0; i < m; i++) {
    const u = random.chance(0.3) ? random.int(0, hubs - 1) : random.int(0, n - 1);
    arcs.push([u, random.int(0, n - 1)]);
  }
  return graphOf(n, arcs);
}

type Strategy = (graph: NeuromorphicGraph, k: number, random: Random) => PartitionAssignment;

const strategies: Record<string, Strategy> = {
  'edge-cut random owners': (g, k, random) => ({
    k,
    strategy: 'edge-cut',
    vertexOwner: Int32Array.from({ length: g.n }, () => random.int(0, k - 1)),
    arcOwner: null,
  }),
  'edge-cut multilevel': (g, k, random) => partitionEdgeCut(g, k, { seed: random.int(0, 1000) }),
  'vertex-cut random arcs': (g, k, random) => {
    const arcOwner = Int32Array.from({ length: g.m }, () => random.int(0, k - 1));
    // masters deliberately anywhere, even on a part with no arc of the vertex
    const vertexOwner = Int32Array.from({ length: g.n }, () => random.int(0, k - 1));
    return { k, strategy: 'vertex-cut', vertexOwner, arcOwner };
  },
  'vertex-cut hdrf': (g, k, random) => vertexCut(g, 'hdrf', { k, seed: random.int(0, 1000) }),
  'vertex-cut grid': (g, k, random) => vertexCut(g, 'grid', { k, seed: random.int(0, 1000) }),
  'vertex-cut ne': (g, k, random) => vertexCut(g, 'ne', { k, seed: random.int(0, 1000) }),
  hybrid: (g, k, random) => partitionHybrid(g, k, { seed: random.int(0, 1000) }),
  'hybrid with a low threshold (many hubs split)': (g, k, random) => partitionHybrid(g, k, { seed: random.int(0, 1000), threshold: 1 }),
  'hybrid-shaped (arcs by target, hubs split)': (g, k, random) => {
    const vertexOwner = Int32Array.from({ length: g.n }, () => random.int(0, k - 1));
    const targets = g.outTargets;
    const arcOwner = Int32Array.from({ length: g.m }, (_, a) => (random.chance(0.2) ? random.int(0, k - 1) : vertexOwner[targets[a]!]!));
    return { k, strategy: 'hybrid', vertexOwner, arcOwner };
  },
};

/** Every (vertex, partition) pair where the partition holds a non-master copy, by definition. */
function expectedReplicas(graph: NeuromorphicGraph, assignment: PartitionAssignment): Set<string> {
  const owners = arcOwnersOf(assignment, graph);
  const offsets = graph.outOffsets;
  const targets = graph.outTargets;
  const copies = new Set<string>();
  for (let u = 0; u < graph.n; u++) {
    for (let a = offsets[u]!; a < offsets[u + 1]!; a++) {
      const p = owners[a]!;
      for (const v of [u, targets[a]!]) if (assignment.vertexOwner[v] !== p) copies.add(`${v}@${p}`);
    }
  }
  return copies;
}

function checkPlan(graph: NeuromorphicGraph, assignment: PartitionAssignment, plan: PartitionPlan): void {
  const { n, m } = graph;
  const { k } = assignment;
  expect(plan.parts).toHaveLength(k);
  const owners = arcOwnersOf(assignment, graph);
  expect([...plan.arcOwner]).toEqual([...owners]);

  // every vertex exactly one master, on its owner, in ascending order
  const masterSeen = new Uint8Array(n);
  const arcSeen = new Uint8Array(m);
  for (const part of plan.parts) {
    const masters = [...part.localToGlobal.subarray(0, part.masterCount)];
    expect(masters).toEqual(masters.slice().sort((a, b) => a - b));
    for (const v of masters) {
      expect(assignment.vertexOwner[v]).toBe(part.part);
      masterSeen[v]!++;
      expect(localIdOf(plan, part.part, v)).toBe(plan.masterLocal[v]);
      expect(part.localToGlobal[plan.masterLocal[v]!]).toBe(v);
    }
    let previous = -1;
    for (const a of part.arcs) {
      expect(a).toBeGreaterThan(previous);
      previous = a;
      expect(owners[a]).toBe(part.part);
      arcSeen[a]!++;
    }
  }
  expect([...masterSeen].every((c) => c === 1)).toBe(true);
  expect([...arcSeen].every((c) => c === 1)).toBe(true);

  // replicas = the definition's set, ascending after the masters
  const expected = expectedReplicas(graph, assignment);
  const found = new Set<string>();
  for (const part of plan.parts) {
    const replicas = [...part.localToGlobal.subarray(part.masterCount)];
    expect(replicas).toHaveLength(part.replicaCount);
    expect(replicas).toEqual(replicas.slice().sort((a, b) => a - b));
    replicas.forEach((v, i) => {
      found.add(`${v}@${part.part}`);
      expect(localIdOf(plan, part.part, v)).toBe(part.masterCount + i);
    });
  }
  expect(found).toEqual(expected);
  expect(plan.replicaTotal).toBe(expected.size);
  expect(plan.replicaTotal).toBe(communicationVolume(assignment, graph));
  if (n > 0) expect((n + plan.replicaTotal) / n).toBeCloseTo(replicationFactor(assignment, graph), 12);

  // send (p -> q) and receive (q <- p) name the same vertices, element for element; every replica
  // is received exactly once, from its master's partition
  const received = new Set<string>();
  let sent = 0;
  for (let p = 0; p < k; p++) {
    const part = plan.parts[p]!;
    expect(part.sendOffsets[part.sendPeers.length]).toBe(part.sendLocal.length);
    for (let q = 0; q < k; q++) {
      const send = sendList(plan, p, q);
      const receive = receiveList(plan, q, p);
      expect(receive.length).toBe(send.length);
      if (p === q) expect(send.length).toBe(0);
      const sendGlobal = [...send].map((local) => {
        expect(local).toBeLessThan(part.masterCount);
        return part.localToGlobal[local]!;
      });
      const other = plan.parts[q]!;
      const receiveGlobal = [...receive].map((local) => {
        expect(local).toBeGreaterThanOrEqual(other.masterCount);
        return other.localToGlobal[local]!;
      });
      expect(receiveGlobal).toEqual(sendGlobal);
      for (const v of receiveGlobal) {
        expect(assignment.vertexOwner[v]).toBe(p);
        const key = `${v}@${q}`;
        expect(received.has(key)).toBe(false);
        received.add(key);
      }
      sent += send.length;
    }
  }
  expect(received).toEqual(expected);
  expect(sent).toBe(plan.replicaTotal);
}

describe('buildPartitionPlan on random graphs', () => {
  for (const [name, strategy] of Object.entries(strategies)) {
    it(`${name}: one master per vertex, one home per arc, lists mirror, replicas = communication volume`, () => {
      const random = new Random(0x5eed ^ name.length * 7919);
      for (let trial = 0; trial < 12; trial++) {
        const graph = randomGraph(random);
        // k > n and k = 1 included
        const k = random.pick([1, 2, 3, 5, 8, graph.n + 3]);
        const assignment = strategy(graph, k, random);
        checkPlan(graph, assignment, buildPartitionPlan(graph, assignment));
      }
    });
  }
});

describe('buildPartitionPlan by hand', () => {
  it('path 0->1->2->3 cut in the middle (edge-cut): vertex 1 is a ghost on part 1 only', () => {
    const graph = graphOf(4, [[0, 1], [1, 2], [2, 3]]);
    const assignment: PartitionAssignment = { k: 2, strategy: 'edge-cut', vertexOwner: Int32Array.from([0, 0, 1, 1]), arcOwner: null };
    const plan = buildPartitionPlan(graph, assignment);
    expect([...plan.parts[0]!.localToGlobal]).toEqual([0, 1]);
    expect([...plan.parts[1]!.localToGlobal]).toEqual([2, 3, 1]);
    // arc 1 (1 -> 2) lives with its target on part 1
    expect([...plan.parts[1]!.arcs]).toEqual([1, 2]);
    expect([...sendList(plan, 0, 1)]).toEqual([1]);
    expect([...receiveList(plan, 1, 0)]).toEqual([2]);
    expect(sendList(plan, 1, 0).length).toBe(0);
    expect(plan.replicaTotal).toBe(1);
  });

  it('a star split by arcs (vertex-cut): the hub has a mirror on every other part', () => {
    const graph = graphOf(5, [[0, 1], [0, 2], [0, 3], [0, 4]]);
    const assignment: PartitionAssignment = {
      k: 4,
      strategy: 'vertex-cut',
      vertexOwner: Int32Array.from([2, 0, 1, 2, 3]),
      arcOwner: Int32Array.from([0, 1, 2, 3]),
    };
    const plan = buildPartitionPlan(graph, assignment);
    expect(plan.replicaTotal).toBe(3);
    expect([...plan.parts[2]!.sendPeers]).toEqual([0, 1, 3]);
    for (const q of [0, 1, 3]) {
      expect([...sendList(plan, 2, q)]).toEqual([plan.masterLocal[0]]);
      expect(plan.parts[q]!.localToGlobal[receiveList(plan, q, 2)[0]!]).toBe(0);
    }
  });

  it('k far above n and m leaves the extra partitions empty but present', () => {
    const graph = graphOf(3, [[0, 1], [1, 2]]);
    const assignment: PartitionAssignment = { k: 50, strategy: 'edge-cut', vertexOwner: Int32Array.from([7, 7, 49]), arcOwner: null };
    const plan = buildPartitionPlan(graph, assignment);
    expect(plan.parts).toHaveLength(50);
    const empty = plan.parts.filter((part) => part.localToGlobal.length === 0 && part.arcs.length === 0);
    expect(empty).toHaveLength(48);
    expect(plan.replicaTotal).toBe(1);
  });

  it('an empty graph', () => {
    const graph = graphOf(0, []);
    const plan = buildPartitionPlan(graph, { k: 3, strategy: 'edge-cut', vertexOwner: new Int32Array(0), arcOwner: null });
    expect(plan.parts.map((part) => part.localToGlobal.length)).toEqual([0, 0, 0]);
    expect(plan.replicaTotal).toBe(0);
  });
});

describe('partitionGraphForAlgorithm (the facade)', () => {
  const random = new Random(77);
  const arcs: Array<[number, number]> = [];
  for (let i = 0; i < 900; i++) arcs.push([random.chance(0.3) ? random.int(0, 5) : random.int(0, 199), random.int(0, 199)]);
  const graph = graphOf(200, arcs);

  for (const strategy of ['edge-cut', 'vertex-cut', 'hybrid'] as const) {
    it(`${strategy} forced: the plan, the quality and the owners agree; same seed, same owners`, () => {
      const result = partitionGraphForAlgorithm(graph, 'pagerank', 4, { strategy, seed: 5 });
      expect(result.strategy).toBe(strategy);
      expect(result.requestedStrategy).toBe(strategy);
      expect(result.estimates).toBeNull();
      checkAssignment(result.assignment, graph);
      checkPlan(graph, result.assignment, result.plan);
      expect(result.partitions).toHaveLength(4);
      expect(result.partitions.reduce((sum, part) => sum + part.masterCount, 0)).toBe(graph.n);
      const quality = partitionQuality(result.assignment, graph, result.loadModel);
      expect(result.quality.communicationVolume).toBe(quality.communicationVolume);
      expect(result.plan.replicaTotal).toBe(quality.communicationVolume);
      expect(result.quality.loadImbalance).toBe(quality.loadImbalance);
      const again = partitionGraphForAlgorithm(graph, 'pagerank', 4, { strategy, seed: 5 });
      expect([...again.assignment.vertexOwner]).toEqual([...result.assignment.vertexOwner]);
      expect([...arcOwnersOf(again.assignment, graph)]).toEqual([...arcOwnersOf(result.assignment, graph)]);
      expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.partitionMs);
    });
  }

  it('auto takes the strategy with the lowest predicted time among the estimates', () => {
    for (const algorithm of ['pagerank', 'bfs', 'lif'] as const) {
      const result = partitionGraphForAlgorithm(graph, algorithm, 4);
      expect(result.requestedStrategy).toBe('auto');
      const estimates = result.estimates!;
      expect(new Set(estimates.map((e) => e.strategy))).toEqual(new Set(['edge-cut', 'vertex-cut', 'hybrid']));
      const fastest = Math.min(...estimates.map((e) => e.predictedSeconds));
      // selectOptimalStrategy calls times within 1e-9 (relative) a tie
      expect(estimates.find((e) => e.strategy === result.strategy)!.predictedSeconds).toBeLessThanOrEqual(fastest * (1 + 1e-9));
      expect(result.costEstimate.strategy).toBe(result.strategy);
    }
  });

  it('edge-cut balanced by vertices stays within 3% of the mean', () => {
    const result = partitionGraphForAlgorithm(graph, 'bfs', 4, { strategy: 'edge-cut', balance: 'vertices' });
    // 200 vertices in 4 parts: at most ⌊1.03 · 50⌋ = 51 masters in a part
    expect(Math.max(...result.quality.vertexLoads)).toBeLessThanOrEqual(51);
  });

  it("edge-cut vertex weights carry each vertex's in-arcs (pull model): part weights = model loads", () => {
    const owners = Int32Array.from({ length: graph.n }, () => random.int(0, 2));
    const assignment: PartitionAssignment = { k: 3, strategy: 'edge-cut', vertexOwner: owners, arcOwner: null };
    const model = { vertexCost: 2, arcCost: 3 };
    const weights = edgeCutVertexWeights(graph, model);
    const parts = [0, 0, 0];
    owners.forEach((p, v) => (parts[p]! += weights[v]!));
    expect(parts).toEqual([...modelLoads(assignment, graph, model)]);
  });

  it('empty, edgeless, tiny and self-loop graphs with every strategy and balance, k = 1 and k > n', () => {
    const tiny = [graphOf(0, []), graphOf(5, []), graphOf(3, [[0, 1], [2, 1], [1, 0]]), graphOf(1, [[0, 0], [0, 0]])];
    for (const g of tiny) {
      for (const strategy of ['auto', 'edge-cut', 'vertex-cut', 'hybrid'] as const) {
        for (const k of [1, 8]) {
          for (const balance of ['load', 'vertices', 'arcs'] as const) {
            const result = partitionGraphForAlgorithm(g, 'pagerank', k, { strategy, balance });
            expect(result.partitions).toHaveLength(k);
            checkPlan(g, result.assignment, result.plan);
          }
        }
      }
    }
  });

  it('bad options name the option', () => {
    const optionOf = (run: () => unknown): string => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(OptionsError);
        return (error as OptionsError).option;
      }
      throw new Error('expected an OptionsError');
    };
    expect(optionOf(() => partitionGraphForAlgorithm(graph, 'pagerank', 0))).toBe('workers');
    expect(optionOf(() => partitionGraphForAlgorithm(graph, 'pagerank', 2.5))).toBe('workers');
    expect(optionOf(() => partitionGraphForAlgorithm(graph, 'dfs' as 'bfs', 2))).toBe('algorithm');
    expect(optionOf(() => partitionGraphForAlgorithm(graph, 'pagerank', 2, { strategy: 'metis' as 'auto' }))).toBe('strategy');
    expect(optionOf(() => partitionGraphForAlgorithm(graph, 'pagerank', 2, { seed: -1 }))).toBe('seed');
    expect(optionOf(() => partitionGraphForAlgorithm(graph, 'pagerank', 2, { imbalance: Number.NaN }))).toBe('imbalance');
    expect(optionOf(() => partitionGraphForAlgorithm(graph, 'pagerank', 2, { balance: 'memory' as 'load' }))).toBe('balance');
  });

  it('DistributedGraphPartitioner analyses a graph once and partitions as the function does', () => {
    const partitioner = new DistributedGraphPartitioner({ seed: 5 });
    const analysis = partitioner.analyzeGraphStructure(graph);
    expect(partitioner.analyzeGraphStructure(graph)).toBe(analysis);
    const result = partitioner.partitionGraphForAlgorithm(graph, 'wcc', 3);
    expect(result.analysis).toBe(analysis);
    const direct = partitionGraphForAlgorithm(graph, 'wcc', 3, { seed: 5 });
    expect(result.strategy).toBe(direct.strategy);
    expect([...result.assignment.vertexOwner]).toEqual([...direct.assignment.vertexOwner]);
    expect(partitioner.estimateStrategies(graph, 'pagerank', 3)).toHaveLength(3);
  });
});
