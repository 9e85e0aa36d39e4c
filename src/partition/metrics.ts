/**
 * Partition quality, exactly as DESIGN.md ("Metrics") defines it:
 *
 * - imbalance = max part load / mean part load − 1, the mean over all k parts (empty ones too);
 *   reported for vertices (masters), arcs, and a load model.
 * - cut fraction = arcs whose ends have different owners / all arcs (directed, parallel arcs and
 *   self-loops counted as given; a self-loop is never cut); and the same on the undirected simple
 *   graph (each unordered pair {u, v}, u ≠ v, with at least one arc, counted once), which is what
 *   METIS's edgecut counts on a symmetrised graph.
 * - replication factor = (Σ over vertices of the number of partitions holding a copy) / n, where a
 *   partition holds a copy of v if it owns v's master or owns an arc incident to v (either
 *   direction). Every vertex has its master, so it is ≥ 1 and ≤ k for n > 0; it is 1 for n = 0.
 * - communication volume = Σ over vertices of the number of other partitions that need its value
 *   = Σ (copies − 1), i.e. n × (replication factor − 1).
 *
 * Owners compare through `vertexOwner` for the cut; copies count `arcOwnersOf` (pull model for an
 * edge-cut: arc u -> v lives on owner(v), so u has a ghost there). Every function is a handful of
 * typed-array passes, O(n + m) time and at most 8 bytes per arc of scratch, so it runs on graphs
 * of tens of millions of arcs.
 */
import { OptionsError } from '../errors.js';
import { arcOwnersOf, type ArcTopology, type PartitionAssignment, type PartitionStrategy } from './plan.js';

/**
 * What a part's load is made of: each master vertex costs `vertexCost`, each owned arc `arcCost`.
 * A number applies to all; an array gives one cost per vertex (length n) or per arc (CSR order,
 * length m). Defaults: 1 per vertex, 1 per arc.
 */
export interface LoadModel {
  vertexCost?: number | ArrayLike<number>;
  arcCost?: number | ArrayLike<number>;
}

export interface PartitionQuality {
  k: number;
  strategy: PartitionStrategy;
  n: number;
  m: number;
  /** master vertices per part */
  vertexLoads: Float64Array;
  /** arcs per part */
  arcLoads: Float64Array;
  vertexImbalance: number;
  arcImbalance: number;
  /** load per part under the model given (vertex + arc costs); the default model counts both at 1 */
  loads: Float64Array;
  loadImbalance: number;
  /** parts with no master vertex and no arc */
  emptyParts: number;
  /** directed arcs whose ends have different vertex owners */
  cutArcs: number;
  cutFraction: number;
  /** unordered pairs {u, v}, u ≠ v, joined by at least one arc */
  undirectedEdges: number;
  undirectedCutEdges: number;
  undirectedCutFraction: number;
  replicationFactor: number;
  communicationVolume: number;
}

/** max / mean − 1 over all entries; 0 when there are none or they sum to 0. */
export function imbalance(loads: ArrayLike<number>): number {
  const k = loads.length;
  if (k === 0) return 0;
  let total = 0;
  let max = -Infinity;
  for (let p = 0; p < k; p++) {
    const load = loads[p]!;
    total += load;
    if (load > max) max = load;
  }
  if (total <= 0) return 0;
  return max / (total / k) - 1;
}

/** How many entries of `owners` name each part: owners must lie in [0, k). */
export function countPerPart(owners: Int32Array, k: number): Float64Array {
  const counts = new Float64Array(k);
  for (let i = 0; i < owners.length; i++) counts[owners[i]!]!++;
  return counts;
}

/** Master vertices per part. */
export function vertexLoads(assignment: PartitionAssignment): Float64Array {
  return countPerPart(assignment.vertexOwner, assignment.k);
}

/** Arcs per part (pull model for an edge-cut without arcOwner). */
export function arcLoads(assignment: PartitionAssignment, graph: ArcTopology): Float64Array {
  return countPerPart(arcOwnersOf(assignment, graph), assignment.k);
}

function costArray(cost: number | ArrayLike<number> | undefined, length: number, option: string): ArrayLike<number> | number {
  if (cost === undefined) return 1;
  if (typeof cost === 'number') {
    if (!(Number.isFinite(cost) && cost >= 0)) throw new OptionsError(option, 'must be a finite number ≥ 0', cost);
    return cost;
  }
  if (cost.length !== length) throw new OptionsError(option, `must have ${length} entries`, cost.length);
  return cost;
}

/** Load per part under a load model (see LoadModel). */
export function modelLoads(assignment: PartitionAssignment, graph: ArcTopology, model: LoadModel = {}, arcOwner?: Int32Array): Float64Array {
  const loads = new Float64Array(assignment.k);
  const vertexCost = costArray(model.vertexCost, graph.n, 'vertexCost');
  const arcCost = costArray(model.arcCost, graph.m, 'arcCost');
  const { vertexOwner } = assignment;
  if (typeof vertexCost === 'number') {
    if (vertexCost !== 0) for (let v = 0; v < vertexOwner.length; v++) loads[vertexOwner[v]!]! += vertexCost;
  } else {
    for (let v = 0; v < vertexOwner.length; v++) loads[vertexOwner[v]!]! += vertexCost[v]!;
  }
  if (arcCost !== 0) {
    const owners = arcOwner ?? arcOwnersOf(assignment, graph);
    if (typeof arcCost === 'number') for (let a = 0; a < owners.length; a++) loads[owners[a]!]! += arcCost;
    else for (let a = 0; a < owners.length; a++) loads[owners[a]!]! += arcCost[a]!;
  }
  return loads;
}

/** Directed arcs whose two ends have different vertex owners. */
export function countCutArcs(assignment: PartitionAssignment, graph: ArcTopology): number {
  const { vertexOwner } = assignment;
  const offsets = graph.outOffsets;
  const targets = graph.outTargets;
  let cut = 0;
  for (let u = 0; u < graph.n; u++) {
    const owner = vertexOwner[u]!;
    const end = offsets[u + 1]!;
    for (let a = offsets[u]!; a < end; a++) if (vertexOwner[targets[a]!] !== owner) cut++;
  }
  return cut;
}

/** Cut arcs / all arcs (0 for a graph without arcs). */
export function cutFraction(assignment: PartitionAssignment, graph: ArcTopology): number {
  return graph.m === 0 ? 0 : countCutArcs(assignment, graph) / graph.m;
}

/**
 * In-arcs grouped by target, in CSR order within each target (the order of the graph's CSC),
 * with each in-arc's source and owner. Built here rather than read from the graph's CSC because
 * the CSC keeps no arc index (so no owner), and a push-only graph has no CSC at all.
 */
export interface ReverseArcs {
  inOffsets: Uint32Array;
  inSources: Uint32Array;
  /** owner of each in-arc; null when not asked for */
  inOwners: Int32Array | null;
  /** CSR index of each in-arc; null when not asked for */
  inArcs: Uint32Array | null;
}

export function reverseArcs(graph: ArcTopology, arcOwner: Int32Array | null, withArcIndices = false): ReverseArcs {
  const { n, m } = graph;
  const offsets = graph.outOffsets;
  const targets = graph.outTargets;
  const inOffsets = new Uint32Array(n + 1);
  for (let a = 0; a < m; a++) inOffsets[targets[a]! + 1]!++;
  for (let v = 0; v < n; v++) inOffsets[v + 1]! += inOffsets[v]!;
  const cursor = inOffsets.slice(0, n);
  const inSources = new Uint32Array(m);
  const inOwners = arcOwner ? new Int32Array(m) : null;
  const inArcs = withArcIndices ? new Uint32Array(m) : null;
  for (let u = 0; u < n; u++) {
    const end = offsets[u + 1]!;
    for (let a = offsets[u]!; a < end; a++) {
      const position = cursor[targets[a]!]!++;
      inSources[position] = u;
      if (inOwners) inOwners[position] = arcOwner![a]!;
      if (inArcs) inArcs[position] = a;
    }
  }
  return { inOffsets, inSources, inOwners, inArcs };
}

/** Edges and cut edges of the undirected simple graph (see the module comment). */
export function undirectedCut(assignment: PartitionAssignment, graph: ArcTopology, reverse?: ReverseArcs): { edges: number; cut: number } {
  const { n } = graph;
  const { vertexOwner } = assignment;
  const { inOffsets, inSources } = reverse ?? reverseArcs(graph, null);
  const offsets = graph.outOffsets;
  const targets = graph.outTargets;
  // seen[w] = u + 1 once the pair {u, w} was counted while visiting u: dedupes parallel and antiparallel arcs
  const seen = new Int32Array(n);
  let edges = 0;
  let cut = 0;
  for (let u = 0; u < n; u++) {
    const stamp = u + 1;
    const owner = vertexOwner[u]!;
    const outEnd = offsets[u + 1]!;
    for (let a = offsets[u]!; a < outEnd; a++) {
      const w = targets[a]!;
      // count each pair from its smaller end only
      if (w > u && seen[w] !== stamp) {
        seen[w] = stamp;
        edges++;
        if (vertexOwner[w] !== owner) cut++;
      }
    }
    const inEnd = inOffsets[u + 1]!;
    for (let i = inOffsets[u]!; i < inEnd; i++) {
      const w = inSources[i]!;
      if (w > u && seen[w] !== stamp) {
        seen[w] = stamp;
        edges++;
        if (vertexOwner[w] !== owner) cut++;
      }
    }
  }
  return { edges, cut };
}

/** Cut edges / edges of the undirected simple graph (0 when it has no edges). */
export function undirectedCutFraction(assignment: PartitionAssignment, graph: ArcTopology): number {
  const { edges, cut } = undirectedCut(assignment, graph);
  return edges === 0 ? 0 : cut / edges;
}

/**
 * The number of partitions holding a copy of each vertex: its master's, plus every partition that
 * owns an arc into or out of it. One stamp per partition (k entries), so O(n + m + k).
 */
export function vertexCopies(assignment: PartitionAssignment, graph: ArcTopology, reverse?: ReverseArcs, arcOwner?: Int32Array): Uint32Array {
  const { n } = graph;
  const { k, vertexOwner } = assignment;
  const owners = arcOwner ?? arcOwnersOf(assignment, graph);
  const { inOffsets, inOwners } = reverse?.inOwners ? reverse : reverseArcs(graph, owners);
  const offsets = graph.outOffsets;
  // lastSeen[p] = v + 1 when partition p was already counted for vertex v
  const lastSeen = new Int32Array(k);
  const copies = new Uint32Array(n);
  for (let v = 0; v < n; v++) {
    const stamp = v + 1;
    lastSeen[vertexOwner[v]!] = stamp;
    let count = 1;
    const outEnd = offsets[v + 1]!;
    for (let a = offsets[v]!; a < outEnd; a++) {
      const p = owners[a]!;
      if (lastSeen[p] !== stamp) {
        lastSeen[p] = stamp;
        count++;
      }
    }
    const inEnd = inOffsets[v + 1]!;
    for (let i = inOffsets[v]!; i < inEnd; i++) {
      const p = inOwners![i]!;
      if (lastSeen[p] !== stamp) {
        lastSeen[p] = stamp;
        count++;
      }
    }
    copies[v] = count;
  }
  return copies;
}

function sum(values: Uint32Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

/** Σ copies / n (1 for a graph without vertices: nothing is replicated). */
export function replicationFactor(assignment: PartitionAssignment, graph: ArcTopology): number {
  return graph.n === 0 ? 1 : sum(vertexCopies(assignment, graph)) / graph.n;
}

/** Σ over vertices of the partitions other than the master's that hold a copy. */
export function communicationVolume(assignment: PartitionAssignment, graph: ArcTopology): number {
  return sum(vertexCopies(assignment, graph)) - graph.n;
}

/**
 * Every figure at once, sharing the arc owners and the reversed arcs between them. The load
 * model defaults to 1 per master vertex and 1 per arc.
 */
export function partitionQuality(assignment: PartitionAssignment, graph: ArcTopology, model: LoadModel = {}): PartitionQuality {
  const { k, strategy } = assignment;
  const { n, m } = graph;
  const arcOwner = arcOwnersOf(assignment, graph);
  const vertexLoad = countPerPart(assignment.vertexOwner, k);
  const arcLoad = countPerPart(arcOwner, k);
  const loads = modelLoads(assignment, graph, model, arcOwner);
  let emptyParts = 0;
  for (let p = 0; p < k; p++) if (vertexLoad[p] === 0 && arcLoad[p] === 0) emptyParts++;
  const reverse = reverseArcs(graph, arcOwner);
  const cutArcs = countCutArcs(assignment, graph);
  const { edges, cut } = undirectedCut(assignment, graph, reverse);
  const totalCopies = sum(vertexCopies(assignment, graph, reverse, arcOwner));
  return {
    k,
    strategy,
    n,
    m,
    vertexLoads: vertexLoad,
    arcLoads: arcLoad,
    vertexImbalance: imbalance(vertexLoad),
    arcImbalance: imbalance(arcLoad),
    loads,
    loadImbalance: imbalance(loads),
    emptyParts,
    cutArcs,
    cutFraction: m === 0 ? 0 : cutArcs / m,
    undirectedEdges: edges,
    undirectedCutEdges: cut,
    undirectedCutFraction: edges === 0 ? 0 : cut / edges,
    replicationFactor: n === 0 ? 1 : totalCopies / n,
    communicationVolume: totalCopies - n,
  };
}
