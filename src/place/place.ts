/**
 * Placement (DESIGN.md pipeline stage 4): each partition of a PartitionPlan laid out as a
 * self-contained local graph in the host's shared memory, so that a worker's kernels run on compact
 * local arrays, and so that the same layout can later be serialised to a remote worker.
 *
 * One partition's regions (all allocated from the host's arena; u32 unless noted):
 *
 *   localToGlobal  [n]          masters (ascending global id), then replicas (ascending global id)
 *   outOffsets     [n + 1]      local CSR of the partition's arcs, by local source; a source's arcs in
 *   outTargets     [m]            global CSR order, targets as local ids
 *   outWeights     [m] i32|f64  the arcs' weights (absent for unit weights)
 *   outDelays      [m] u8|u16   the arcs' delays (absent when every delay is the same)
 *   inOffsets      [n + 1]      local CSC: each local target's in-arcs in global arc order (the order
 *   inSources      [m]            the single-worker pull sums in), sources as local ids; optional
 *   degreeOffsets  [masters + 1] prefix sums of the masters' GLOBAL out-degrees: PageRank's scatter
 *                                divides by the global degree, whatever share of the arcs is local
 *   neurons        [n × NEURON_STRIDE] i32, the neuron records of every local id (optional)
 *   sendLocal      [Σ send lists]     local ids of masters whose values each peer needs, by peer
 *   receiveLocal   [Σ receive lists]  local ids of the replicas each peer fills, by peer
 *
 * The exchange lists keep the plan's pairing: p's send list to q and q's receive list from p name the
 * same vertices in the same order, so a message is a run of values (or of positions in the list).
 * The same pair of lists serves the other direction too: a replica on q hands its partial result
 * back to the master on p (vertex-cut and hybrid, where replicas can be arc targets).
 */
import { NEURON_STRIDE, WEIGHT_F64, WEIGHT_I32 } from '../memory/layout.js';
import { OptionsError } from '../errors.js';
import type { NeuromorphicGraph, WeightType, DelayType } from '../input/graph.js';
import type { PartitionPlan } from '../partition/layout.js';
import type { WasmHost } from '../memory/host.js';

/** A region that is absent (no weights, constant delays, no CSC, no neuron table). */
export const NO_REGION = -1;

/**
 * Exchange lists of one partition: `send*` on the masters' side, `receive*` on the replicas' side,
 * by peer (ascending), with offsets into one u32 region of local ids each.
 */
export interface ExchangeLists {
  sendPeers: number[];
  sendOffsets: number[];
  sendLocal: number;
  receivePeers: number[];
  receiveOffsets: number[];
  receiveLocal: number;
}

/** One partition laid out as a local graph: plain numbers, so it can be posted to a worker. */
export interface PlacedPartition extends ExchangeLists {
  part: number;
  /** local vertices: masters + replicas */
  n: number;
  masterCount: number;
  /** local arcs */
  m: number;
  localToGlobal: number;
  outOffsets: number;
  outTargets: number;
  weightType: WeightType;
  outWeights: number;
  delayType: DelayType;
  constantDelay: number;
  outDelays: number;
  inOffsets: number;
  inSources: number;
  degreeOffsets: number;
  neurons: number;
  // (the plan's full lists are the inherited ExchangeLists fields)
  /**
   * The plan's lists narrowed to the replicas that push along local out-arcs: what a master's value
   * must reach when only sources matter (PageRank contributions, LIF spikes).
   */
  push: ExchangeLists;
  /**
   * The plan's lists narrowed to the replicas that are targets of local arcs: where partial results
   * (PageRank limb sums, LIF ring rows) come back from. Empty for an edge-cut (pull model).
   */
  pull: ExchangeLists;
  /** whether some replica is the target of a local arc (then partial results flow back to masters) */
  replicaTargets: boolean;
  /** the smallest delay among the local arcs (0 when there are none) */
  minDelay: number;
}

export interface PlaceOptions {
  /** lay out the local CSC (PageRank needs it) */
  inArcs?: boolean;
  /** copy the neuron records (LIF) */
  neurons?: boolean;
}

/**
 * Lay out every partition of `plan` for `graph` in the graph's host memory. Cost: O(n + m) time per
 * partition pass, O(n) transient JavaScript memory; shared memory about (8 + 4·inArcs) bytes per arc
 * plus weights and delays, and 12 bytes per local vertex.
 */
export function placePartitions(graph: NeuromorphicGraph, plan: PartitionPlan, options: PlaceOptions = {}): PlacedPartition[] {
  const { host, n } = graph;
  const offsets = graph.outOffsets.slice();
  const targets = graph.outTargets;
  const weightsI32 = graph.outWeightsI32;
  const weightsF64 = graph.outWeightsF64;
  const delaysU8 = graph.outDelaysU8;
  const delaysU16 = graph.outDelaysU16;
  const records = options.neurons ? graph.neuronRecords : null;
  // global id -> local id on the partition being placed; -1 elsewhere (reset after each partition)
  const localOf = new Int32Array(n).fill(-1);
  const placed: PlacedPartition[] = [];
  // local out- and in-degrees of every partition's local ids, for the narrowed lists
  const outDegrees: Uint32Array[] = [];
  const inDegrees: Uint32Array[] = [];
  for (const part of plan.parts) {
    const local = part.localToGlobal;
    const localCount = local.length;
    for (let i = 0; i < localCount; i++) localOf[local[i]!] = i;
    const arcs = part.arcs;
    const m = arcs.length;

    // local source of each local arc: arcs ascend by CSR index, so their global sources ascend too
    const arcSource = new Uint32Array(m);
    let source = 0;
    let minDelay = m > 0 ? Infinity : 0;
    for (let i = 0; i < m; i++) {
      const a = arcs[i]!;
      while (offsets[source + 1]! <= a) source++;
      const local = localOf[source]!;
      if (local < 0) throw misfit(part.part, a, source);
      arcSource[i] = local;
    }
    const outOffsets = new Uint32Array(localCount + 1);
    for (let i = 0; i < m; i++) outOffsets[arcSource[i]! + 1]!++;
    for (let v = 0; v < localCount; v++) outOffsets[v + 1]! += outOffsets[v]!;
    const cursor = outOffsets.slice(0, localCount);
    const outTargets = new Uint32Array(m);
    const outWeights = graph.weightType === WEIGHT_I32 ? new Int32Array(m) : graph.weightType === WEIGHT_F64 ? new Float64Array(m) : null;
    const outDelays = delaysU8 ? new Uint8Array(m) : delaysU16 ? new Uint16Array(m) : null;
    // the CSR position each local arc lands in (the CSC below names arcs by it)
    const position = new Uint32Array(m);
    for (let i = 0; i < m; i++) {
      const a = arcs[i]!;
      const at = cursor[arcSource[i]!]!++;
      position[i] = at;
      const target = localOf[targets[a]!]!;
      if (target < 0) throw misfit(part.part, a, targets[a]!);
      outTargets[at] = target;
      if (weightsI32) outWeights![at] = weightsI32[a]!;
      else if (weightsF64) outWeights![at] = weightsF64[a]!;
      if (outDelays) {
        const delay = delaysU8 ? delaysU8[a]! : delaysU16![a]!;
        outDelays[at] = delay;
        if (delay < minDelay) minDelay = delay;
      }
    }
    if (!outDelays && m > 0) minDelay = graph.constantDelay;

    // local in- and out-degrees: which replicas are arc targets (pull lists) or sources (push lists)
    const inDegree = new Uint32Array(localCount);
    for (let i = 0; i < m; i++) inDegree[outTargets[i]!]!++;
    const outDegree = new Uint32Array(localCount);
    for (let v = 0; v < localCount; v++) outDegree[v] = outOffsets[v + 1]! - outOffsets[v]!;
    let replicaTargets = false;
    for (let v = part.masterCount; v < localCount && !replicaTargets; v++) replicaTargets = inDegree[v]! > 0;

    let inOffsetsRegion = NO_REGION;
    let inSourcesRegion = NO_REGION;
    if (options.inArcs) {
      // a counting sort by target over the arcs in ascending CSR index keeps each target's in-arcs in
      // global arc order
      const inOffsets = new Uint32Array(localCount + 1);
      for (let i = 0; i < m; i++) inOffsets[outTargets[position[i]!]! + 1]!++;
      for (let v = 0; v < localCount; v++) inOffsets[v + 1]! += inOffsets[v]!;
      const fill = inOffsets.slice(0, localCount);
      const inSources = new Uint32Array(m);
      for (let i = 0; i < m; i++) inSources[fill[outTargets[position[i]!]!]!++] = arcSource[i]!;
      inOffsetsRegion = copyTo(host, inOffsets);
      inSourcesRegion = copyTo(host, inSources);
    }

    const degreeOffsets = new Uint32Array(part.masterCount + 1);
    for (let v = 0; v < part.masterCount; v++) {
      const g = local[v]!;
      degreeOffsets[v + 1] = degreeOffsets[v]! + offsets[g + 1]! - offsets[g]!;
    }

    let neuronsRegion = NO_REGION;
    if (records) {
      const localRecords = new Int32Array(localCount * NEURON_STRIDE);
      for (let v = 0; v < localCount; v++) {
        localRecords.set(records.subarray(local[v]! * NEURON_STRIDE, (local[v]! + 1) * NEURON_STRIDE), v * NEURON_STRIDE);
      }
      neuronsRegion = copyTo(host, localRecords);
    }

    placed.push({
      part: part.part,
      n: localCount,
      masterCount: part.masterCount,
      m,
      localToGlobal: copyTo(host, local),
      outOffsets: copyTo(host, outOffsets),
      outTargets: copyTo(host, outTargets),
      weightType: graph.weightType,
      outWeights: outWeights ? copyTo(host, outWeights) : NO_REGION,
      delayType: graph.delayType,
      constantDelay: graph.constantDelay,
      outDelays: outDelays ? copyTo(host, outDelays) : NO_REGION,
      inOffsets: inOffsetsRegion,
      inSources: inSourcesRegion,
      degreeOffsets: copyTo(host, degreeOffsets),
      neurons: neuronsRegion,
      sendPeers: Array.from(part.sendPeers),
      sendOffsets: Array.from(part.sendOffsets),
      sendLocal: copyTo(host, part.sendLocal),
      receivePeers: Array.from(part.receivePeers),
      receiveOffsets: Array.from(part.receiveOffsets),
      receiveLocal: copyTo(host, part.receiveLocal),
      push: EMPTY_LISTS,
      pull: EMPTY_LISTS,
      replicaTargets,
      minDelay: minDelay === Infinity ? 0 : minDelay,
    });
    outDegrees.push(outDegree);
    inDegrees.push(inDegree);
    for (let i = 0; i < localCount; i++) localOf[local[i]!] = -1;
  }
  narrowLists(host, plan, placed, outDegrees, 'push');
  narrowLists(host, plan, placed, inDegrees, 'pull');
  return placed;
}

/**
 * A plan made for another graph (same n and m, other arcs) names arcs whose ends have no copy on
 * their partition: refuse it rather than compute on the wrong vertices.
 */
function misfit(part: number, arc: number, vertex: number): OptionsError {
  return new OptionsError('partition', `does not fit this graph: arc ${arc} of partition ${part} touches vertex ${vertex}, which has no copy there (a plan made for another graph?)`);
}

const EMPTY_LISTS: ExchangeLists = { sendPeers: [], sendOffsets: [0], sendLocal: 0, receivePeers: [], receiveOffsets: [0], receiveLocal: 0 };

/**
 * Narrow every pair's lists to the replicas whose local `degree` (out or in) is positive, keeping
 * the pairing: position j survives on both sides or on neither.
 */
function narrowLists(host: WasmHost, plan: PartitionPlan, placed: PlacedPartition[], degrees: Uint32Array[], which: 'push' | 'pull'): void {
  const k = placed.length;
  // kept[p] = per receive peer q of p, the kept positions' local ids on p (replicas) and on q (masters)
  const replicaSide: Map<number, number[]>[] = Array.from({ length: k }, () => new Map());
  const masterSide: Map<number, number[]>[] = Array.from({ length: k }, () => new Map());
  for (let p = 0; p < k; p++) {
    const part = plan.parts[p]!;
    for (let i = 0; i < part.receivePeers.length; i++) {
      const q = part.receivePeers[i]!;
      const replicas = part.receiveLocal.subarray(part.receiveOffsets[i]!, part.receiveOffsets[i + 1]!);
      const masters = plan.parts[q]!;
      const at = masters.sendPeers.indexOf(p);
      const sources = masters.sendLocal.subarray(masters.sendOffsets[at]!, masters.sendOffsets[at + 1]!);
      const keptReplicas: number[] = [];
      const keptMasters: number[] = [];
      for (let j = 0; j < replicas.length; j++) {
        if (degrees[p]![replicas[j]!]! > 0) {
          keptReplicas.push(replicas[j]!);
          keptMasters.push(sources[j]!);
        }
      }
      if (keptReplicas.length === 0) continue;
      replicaSide[p]!.set(q, keptReplicas);
      masterSide[q]!.set(p, keptMasters);
    }
  }
  for (let p = 0; p < k; p++) {
    const lists: ExchangeLists = { ...EMPTY_LISTS };
    const pack = (byPeer: Map<number, number[]>): [number[], number[], number] => {
      const peers = [...byPeer.keys()].sort((a, b) => a - b);
      const offsets = [0];
      const all: number[] = [];
      for (const peer of peers) {
        for (const local of byPeer.get(peer)!) all.push(local);
        offsets.push(all.length);
      }
      return [peers, offsets, copyTo(host, Uint32Array.from(all))];
    };
    [lists.sendPeers, lists.sendOffsets, lists.sendLocal] = pack(masterSide[p]!);
    [lists.receivePeers, lists.receiveOffsets, lists.receiveLocal] = pack(replicaSide[p]!);
    placed[p]![which] = lists;
  }
}

type PlacedArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

/** Copy a typed array into a fresh arena region; returns its offset. */
function copyTo(host: WasmHost, array: PlacedArray): number {
  const Type = array.constructor as Uint8ArrayConstructor;
  const offset = host.allocArray(Type, array.length);
  new Type(host.memory.buffer as ArrayBuffer, offset, array.length).set(array as unknown as Uint8Array);
  return offset;
}

/** Whether any partition of a placement has arcs into replicas (then results flow back to masters). */
export function hasReplicaTargets(placed: readonly PlacedPartition[]): boolean {
  return placed.some((p) => p.replicaTargets);
}
