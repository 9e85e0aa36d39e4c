/**
 * The PartitionPlan: each partition of an assignment laid out as a self-contained local graph
 * (DESIGN.md pipeline stages 3-4), with the lists that say which values cross the cut.
 *
 * A partition p holds
 *   - masters: the vertices v with vertexOwner[v] = p, ascending global id;
 *   - replicas: the vertices with a copy on p but their master elsewhere, ascending global id. A copy
 *     is what metrics.ts counts: p owns an arc into or out of v. For an edge-cut (pull model: arc
 *     u -> v lives on owner(v)) these are the ghosts, the sources of in-arcs whose owner is elsewhere;
 *     for a vertex-cut or hybrid, the mirrors. So Σ_p replicas = communication volume, exactly;
 *   - its arcs: the CSR indices a with arcOwner[a] = p, ascending (global arc order, which keeps the
 *     in-arc sums in the order the determinism invariant needs).
 *
 * Local ids (one partition's numbering):
 *
 *   localToGlobal: [ masters (masterCount) ............ | replicas (replicaCount) ........ ]
 *                    local 0 .. masterCount − 1            local masterCount .. total − 1
 *
 * Exchange lists, stored sparsely by peer so that k² never appears in memory:
 *
 *   sendPeers:     [ q0 q1 ... ]                  partitions that need values from p, ascending
 *   sendOffsets:   [ 0 e0 e1 ... ]                sendPeers.length + 1 entries
 *   sendLocal:     [ local ids for q0 | for q1 | ... ]   masters of p whose value q needs
 *   receivePeers / receiveOffsets / receiveLocal: the same for the replicas p fills from each q.
 *
 * Within every list entries go by ascending global id, so send list (p -> q) and receive list
 * (q <- p) name the same vertices element for element: a message is a plain array of values, no
 * ids on the wire. Building is O(n + m + k + R) time (R = Σ replicas) with stable counting sorts.
 * Memory kept: n + m + 3R words (local ids, arcs, lists) plus the arc owners (m words, derived
 * for an edge-cut); transient: the reversed arcs (3m words) and the replica records (about 7R
 * words). Each partition's `arcs` is a view of one shared array (grouped by owner).
 */
import { ResourceError, ErrorCode } from '../errors.js';
import { reverseArcs, vertexCopies } from './metrics.js';
import { arcOwnersOf, checkPartitionCount, partitionBug, type ArcTopology, type PartitionAssignment, type PartitionStrategy } from './plan.js';

/** One partition as a local graph (see the module comment for the layout). */
export interface LocalPartition {
  part: number;
  masterCount: number;
  replicaCount: number;
  /** global id of each local id: masters, then replicas, each ascending */
  localToGlobal: Uint32Array;
  /** CSR indices of the arcs this partition owns, ascending */
  arcs: Uint32Array;
  sendPeers: Uint32Array;
  sendOffsets: Uint32Array;
  sendLocal: Uint32Array;
  receivePeers: Uint32Array;
  receiveOffsets: Uint32Array;
  receiveLocal: Uint32Array;
}

export interface PartitionPlan {
  k: number;
  strategy: PartitionStrategy;
  n: number;
  m: number;
  /** the partition of each vertex's master */
  vertexOwner: Int32Array;
  /** the partition of each arc, CSR order (derived by the pull model for an edge-cut) */
  arcOwner: Int32Array;
  /** local id of each vertex on its master's partition */
  masterLocal: Uint32Array;
  parts: LocalPartition[];
  /** Σ replicas over the partitions: the communication volume of metrics.ts */
  replicaTotal: number;
}

/**
 * The most partitions a plan lays out: each has a handful of typed arrays even when empty, so a
 * billion of them would exhaust the heap long before anything useful happened.
 */
export const MAX_PLAN_PARTS = 1 << 20;

/** Lay out every partition of `assignment` (checked by the caller, e.g. with checkAssignment). */
export function buildPartitionPlan(graph: ArcTopology, assignment: PartitionAssignment): PartitionPlan {
  const { k, vertexOwner, strategy } = assignment;
  const { n, m } = graph;
  checkPartitionCount(k);
  if (k > MAX_PLAN_PARTS) {
    throw new ResourceError(ErrorCode.MEMORY, `a partition plan lays out at most ${MAX_PLAN_PARTS} partitions, asked for ${k}`, { k });
  }
  const arcOwner = arcOwnersOf(assignment, graph);
  const offsets = graph.outOffsets;
  const reverse = reverseArcs(graph, arcOwner);
  const { inOffsets, inOwners } = reverse;

  // 1. Replica parts of each vertex, as (vertex, part) records in ascending vertex order, parts in
  // discovery order. metrics.vertexCopies counts them (copies - 1 replicas per vertex), then one
  // pass with the same stamp trick fills them: lastSeen[p] = v + 1 once p was seen for v.
  const copies = vertexCopies(assignment, graph, reverse, arcOwner);
  let replicaTotal = 0;
  for (let v = 0; v < n; v++) replicaTotal += copies[v]! - 1;
  const lastSeen = new Int32Array(k);
  // the replica part of each record; records are (vertex, replica part) pairs in ascending vertex
  const replicaParts = new Uint32Array(replicaTotal);
  const recordVertex = new Uint32Array(replicaTotal);
  let cursor = 0;
  for (let v = 0; v < n; v++) {
    const stamp = v + 1;
    lastSeen[vertexOwner[v]!] = stamp;
    const outEnd = offsets[v + 1]!;
    for (let a = offsets[v]!; a < outEnd; a++) {
      const p = arcOwner[a]!;
      if (lastSeen[p] !== stamp) {
        lastSeen[p] = stamp;
        recordVertex[cursor] = v;
        replicaParts[cursor++] = p;
      }
    }
    const inEnd = inOffsets[v + 1]!;
    for (let i = inOffsets[v]!; i < inEnd; i++) {
      const p = inOwners![i]!;
      if (lastSeen[p] !== stamp) {
        lastSeen[p] = stamp;
        recordVertex[cursor] = v;
        replicaParts[cursor++] = p;
      }
    }
  }

  // 2. Masters per partition (ascending, by a counting sort on the owner) and their local ids.
  const masterStart = new Uint32Array(k + 1);
  for (let v = 0; v < n; v++) masterStart[vertexOwner[v]! + 1]!++;
  for (let p = 0; p < k; p++) masterStart[p + 1]! += masterStart[p]!;
  const replicaStart = new Uint32Array(k + 1);
  for (let r = 0; r < replicaTotal; r++) replicaStart[replicaParts[r]! + 1]!++;
  for (let p = 0; p < k; p++) replicaStart[p + 1]! += replicaStart[p]!;
  const arcStart = new Uint32Array(k + 1);
  for (let a = 0; a < m; a++) arcStart[arcOwner[a]! + 1]!++;
  for (let p = 0; p < k; p++) arcStart[p + 1]! += arcStart[p]!;
  // all arcs grouped by owner, ascending inside each group; each part's `arcs` is a view of it
  const arcsByPart = new Uint32Array(m);
  const arcCursor = arcStart.slice(0, k);
  for (let a = 0; a < m; a++) arcsByPart[arcCursor[arcOwner[a]!]!++] = a;

  const parts: LocalPartition[] = [];
  for (let p = 0; p < k; p++) {
    const masterCount = masterStart[p + 1]! - masterStart[p]!;
    const replicaCount = replicaStart[p + 1]! - replicaStart[p]!;
    parts.push({
      part: p,
      masterCount,
      replicaCount,
      localToGlobal: new Uint32Array(masterCount + replicaCount),
      arcs: arcsByPart.subarray(arcStart[p]!, arcStart[p + 1]!),
      sendPeers: EMPTY,
      sendOffsets: new Uint32Array(1),
      sendLocal: EMPTY,
      receivePeers: EMPTY,
      receiveOffsets: new Uint32Array(1),
      receiveLocal: EMPTY,
    });
  }
  const masterLocal = new Uint32Array(n);
  const fill = new Uint32Array(k);
  for (let v = 0; v < n; v++) {
    const p = vertexOwner[v]!;
    const local = fill[p]!++;
    masterLocal[v] = local;
    parts[p]!.localToGlobal[local] = v;
  }

  // 3. Replica local ids, and for each record its master part, and its local ids on the sending
  // (master) and receiving (replica) sides.
  const recordMaster = new Uint32Array(replicaTotal);
  const recordSendLocal = new Uint32Array(replicaTotal);
  const recordReceiveLocal = new Uint32Array(replicaTotal);
  fill.fill(0);
  for (let r = 0; r < replicaTotal; r++) {
    const v = recordVertex[r]!;
    const q = replicaParts[r]!;
    const part = parts[q]!;
    const local = part.masterCount + fill[q]!++;
    part.localToGlobal[local] = v;
    recordMaster[r] = vertexOwner[v]!;
    recordSendLocal[r] = masterLocal[v]!;
    recordReceiveLocal[r] = local;
  }

  // 4. Send lists: records grouped by (master part, replica part), ascending v inside each group.
  // LSD radix: a stable counting sort by the replica part, then stably by the master part (and
  // the other way round for the receive lists).
  const bySender = stableGroup(stableGroup(identity(replicaTotal), replicaParts, k), recordMaster, k);
  splitLists(parts, bySender, recordMaster, replicaParts, recordSendLocal, 'send');
  const byReceiver = stableGroup(stableGroup(identity(replicaTotal), recordMaster, k), replicaParts, k);
  splitLists(parts, byReceiver, replicaParts, recordMaster, recordReceiveLocal, 'receive');

  for (const part of parts) {
    if (fill[part.part] !== part.replicaCount) throw partitionBug(`partition ${part.part}: replica count`);
  }
  return { k, strategy, n, m, vertexOwner, arcOwner, masterLocal, parts, replicaTotal };
}

// zero-length, so sharing it between partitions and plans cannot leak a write
const EMPTY = new Uint32Array(0);

function identity(length: number): Uint32Array {
  const order = new Uint32Array(length);
  for (let i = 0; i < length; i++) order[i] = i;
  return order;
}

/** A stable counting sort of `order` by key[order[i]] in [0, k). */
function stableGroup(order: Uint32Array, key: Uint32Array, k: number): Uint32Array {
  const start = new Uint32Array(k + 1);
  for (let i = 0; i < order.length; i++) start[key[order[i]!]! + 1]!++;
  for (let p = 0; p < k; p++) start[p + 1]! += start[p]!;
  const sorted = new Uint32Array(order.length);
  for (let i = 0; i < order.length; i++) {
    const record = order[i]!;
    sorted[start[key[record]!]!++] = record;
  }
  return sorted;
}

/**
 * Cut the grouped records into each owner's peers / offsets / local-id lists. `owner` is the
 * partition the list belongs to (the sort's major key), `peer` the other side (the minor key).
 */
function splitLists(parts: LocalPartition[], grouped: Uint32Array, owner: Uint32Array, peer: Uint32Array, local: Uint32Array, side: 'send' | 'receive'): void {
  let i = 0;
  const total = grouped.length;
  while (i < total) {
    const p = owner[grouped[i]!]!;
    let end = i;
    let peers = 0;
    let previous = -1;
    while (end < total && owner[grouped[end]!] === p) {
      const q = peer[grouped[end]!]!;
      if (q !== previous) {
        peers++;
        previous = q;
      }
      end++;
    }
    const peerList = new Uint32Array(peers);
    const peerOffsets = new Uint32Array(peers + 1);
    const locals = new Uint32Array(end - i);
    let peerIndex = -1;
    previous = -1;
    for (let j = i; j < end; j++) {
      const record = grouped[j]!;
      const q = peer[record]!;
      if (q !== previous) {
        peerIndex++;
        peerList[peerIndex] = q;
        peerOffsets[peerIndex] = j - i;
        previous = q;
      }
      locals[j - i] = local[record]!;
    }
    peerOffsets[peers] = end - i;
    const part = parts[p]!;
    if (side === 'send') {
      part.sendPeers = peerList;
      part.sendOffsets = peerOffsets;
      part.sendLocal = locals;
    } else {
      part.receivePeers = peerList;
      part.receiveOffsets = peerOffsets;
      part.receiveLocal = locals;
    }
    i = end;
  }
}

function listFor(peers: Uint32Array, offsets: Uint32Array, locals: Uint32Array, q: number): Uint32Array {
  let lo = 0;
  let hi = peers.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = peers[mid]!;
    if (value === q) return locals.subarray(offsets[mid]!, offsets[mid + 1]!);
    if (value < q) lo = mid + 1;
    else hi = mid - 1;
  }
  return EMPTY;
}

/** Local ids (on p) of the masters whose values partition q needs; empty when none. */
export function sendList(plan: PartitionPlan, p: number, q: number): Uint32Array {
  const part = plan.parts[p]!;
  return listFor(part.sendPeers, part.sendOffsets, part.sendLocal, q);
}

/** Local ids (on p) of the replicas filled from partition q, in the order q sends them. */
export function receiveList(plan: PartitionPlan, p: number, q: number): Uint32Array {
  const part = plan.parts[p]!;
  return listFor(part.receivePeers, part.receiveOffsets, part.receiveLocal, q);
}

/** The local id of global vertex v on partition p, or −1 when p holds no copy of v. O(log n). */
export function localIdOf(plan: PartitionPlan, p: number, v: number): number {
  if (plan.vertexOwner[v] === p) return plan.masterLocal[v]!;
  const part = plan.parts[p]!;
  const ids = part.localToGlobal;
  let lo = part.masterCount;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = ids[mid]!;
    if (value === v) return mid;
    if (value < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
