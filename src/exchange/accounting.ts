/**
 * What each committed batch is (its shape), and what a naive or a batched system would have sent
 * in its place (issue 5, item 3: accounting modes compared on the same run).
 *
 * Modes (every run counts all three; `communication` picks the one its headline bytes report):
 *   naive      one message per CUT ARC per superstep, Pregel-style: each message is a
 *              NAIVE_MESSAGE_HEADER_BYTES header (length, type, superstep, sender) + source id (4) +
 *              target id (4) + the value the arc carries (the batch's payload per element)
 *   batched    one frame per destination per superstep, uncombined: one entry per cut arc, (source
 *              id, target id, value), uncompressed; the frame costs what ours cost: BATCH_HEADER_BYTES
 *              on shared memory, an NMF1 frame's own bytes (frameOverheadBytes) with frames
 *   optimized  what the runtime sends: one entry per list element (combined: a vertex's value goes
 *              once to each partition holding a copy, whatever the arcs behind it), only changed
 *              values for BFS/SSSP/WCC/LIF (the programs pack flagged copies and spikes only), the
 *              batch codecs of CompressionManager with `transport: 'frames'`, hierarchical routing
 *              where the topology says so
 * The naive and batched figures are COUNTED, not sent: per committed batch, from the elements the
 * batch really carries (positions written by the program, or the whole list for dense batches),
 * each weighted by the cut arcs it stands for (`cutArcWeights`, from the placement).
 *
 * Cut arcs of a list element: the arcs the partition holding the REPLICA has at that copy, at
 * least 1. Those are the arcs whose other end is not with the vertex's master: without combining,
 * each would carry its own message across the cut. Which arcs depends on the direction: a value
 * going master -> replica travels on along the replica's local OUT-arcs (one naive message each);
 * a partial result going replica -> master was gathered over the replica's local IN-arcs. WCC
 * labels flow both ways: both directions count out- and in-arcs.
 *
 * What a naive message carries for each batch shape: the batch's payload per element, except for
 * rows (vertex-cut partial results): a row element of PageRank stands for one f64 contribution per
 * in-arc (8 bytes a message, like the contributions themselves); a LIF ring row stands for the
 * spikes that arrived over the replica's in-arcs in the epoch, which the batch does not tell, so
 * LIF rows are NOT counted as naive messages at all and as a header-only frame in batched mode
 * (both undercount the alternatives: the savings reported for LIF on a vertex-cut are a lower bound).
 */
import { ErrorCode, TransportError } from '../errors.js';
import type { WasmHost } from '../memory/host.js';
import type { ExchangeLists, PlacedPartition } from '../place/place.js';
import { encodeFrame, type BatchKind, type PayloadCodec } from './frame.js';

export type CommunicationMode = 'naive' | 'batched' | 'optimized';
export const COMMUNICATION_MODES: readonly CommunicationMode[] = ['naive', 'batched', 'optimized'];

export const NAIVE_MESSAGE_HEADER_BYTES = 16;
/** source id + target id of one naive message or batched entry */
export const NAIVE_ENTRY_ID_BYTES = 8;
export const BATCH_HEADER_BYTES = 8;

const frameOverhead = { typed: -1, parts: -1, more: -1 };
/**
 * Bytes an NMF1 frame adds around one batch (measured once by encoding one): `typed` around its
 * typed arrays (codec None: what an uncompressed frame costs, the batched alternative), `parts`
 * around a codec Parts payload (what the optimized frames cost besides their payload), `more` around
 * each further Parts batch of a host-to-host frame.
 */
export function frameOverheadBytes(form: 'typed' | 'parts' | 'more' = 'typed'): number {
  if (frameOverhead[form] < 0) {
    const header = { runChecksum: 1, superstep: 1, phase: 1, sourceWorker: 0, destinationWorker: 1 };
    const batch = { kind: 'ids' as const, sourcePartition: 0, destinationPartition: 1, ids: Uint32Array.of(1) };
    // a payload codec that writes one byte: the frame around it is the overhead
    const oneByte: PayloadCodec = {
      encodePayload: () => Uint8Array.of(0),
      payloadCount: () => 1,
      decodePayload: () => ({ ids: Uint32Array.of(1), values: null, stepOffsets: null }),
    };
    frameOverhead.typed = encodeFrame(header, [batch]).length - 4;
    frameOverhead.parts = encodeFrame(header, [batch], { codecs: oneByte, listLength: () => 2 }).length - 1;
    // a further Parts batch of a host frame (its own table, vtable, offset and route)
    frameOverhead.more = encodeFrame(header, [batch, { ...batch, sourcePartition: 2, destinationPartition: 3 }], { codecs: oneByte, listLength: () => 2 }).length - 2 - frameOverhead.parts;
  }
  return frameOverhead[form];
}

export type ListKind = 'plain' | 'push' | 'pull';

/** Which lists a batch follows, from which side, and how it is laid out in the mailbox. */
export interface BatchShape {
  lists: ListKind;
  /** 'send': the committing partition holds the masters (its send list); 'receive': the replicas */
  side: 'send' | 'receive';
  /** positions written (u32 per entry) before the payload; dense batches cover the whole list */
  sparse: boolean;
  /** payload per entry: none, f64, i32, u32 spike step, or rows of u64 limbs */
  value: 'none' | 'f64' | 'i32' | 'step' | 'rows';
}

/**
 * The batch shapes of every program (src/execute/distributed/*.ts), by channel number: the channel
 * travels with each frame so that the receiver validates against the right list. A program whose
 * commits change shape must change this catalogue too: the frame transport checks each batch
 * against it (strictly ascending positions below the list length, payload sizes) and the identity
 * tests over every transport fail otherwise.
 */
export const CHANNELS: readonly BatchShape[] = [
  { lists: 'push', side: 'send', sparse: false, value: 'f64' }, // 0 PageRank contributions
  { lists: 'pull', side: 'receive', sparse: false, value: 'rows' }, // 1 PageRank split sums, LIF ring rows
  { lists: 'plain', side: 'receive', sparse: true, value: 'none' }, // 2 BFS gather
  { lists: 'plain', side: 'send', sparse: true, value: 'none' }, // 3 BFS announce
  { lists: 'plain', side: 'receive', sparse: true, value: 'i32' }, // 4 WCC gather
  { lists: 'plain', side: 'send', sparse: true, value: 'i32' }, // 5 WCC announce
  { lists: 'plain', side: 'receive', sparse: true, value: 'f64' }, // 6 SSSP gather
  { lists: 'plain', side: 'send', sparse: true, value: 'f64' }, // 7 SSSP announce
  { lists: 'push', side: 'send', sparse: true, value: 'step' }, // 8 LIF spikes
];

/**
 * The channel of a batch committed by `algorithm` in program phase `phase` with `entries` entries
 * carrying `carriedBytes` (positions + payload). Throws (an internal error) for a commit the
 * catalogue does not know.
 */
export function channelOf(algorithm: string, phase: number, entries: number, carriedBytes: number): number {
  const perEntry = entries > 0 ? carriedBytes / entries : -1;
  switch (algorithm) {
    case 'pagerank':
      // both exchanges happen in the 'exchange' phase: contributions are 8 bytes an entry, rows more
      return perEntry === 8 || entries === 0 ? 0 : 1;
    case 'bfs':
      // level-synchronous: positions only (4 bytes an entry); searching by exchange: (position, level i32)
      if (perEntry === 8) return phase === 1 ? 4 : 5;
      return phase === 1 ? 2 : 3;
    case 'wcc':
      return phase === 1 ? 4 : 5;
    case 'sssp':
      return phase === 1 ? 6 : 7;
    case 'lif':
      return phase === 3 ? 1 : 8;
  }
  throw new TransportError(ErrorCode.TRANSPORT, `no batch catalogue for algorithm ${algorithm}`, { field: 'algorithm' });
}

/**
 * Bytes of the value one naive message (or uncombined entry) carries for a batch of this shape;
 * null: not counted (LIF ring rows, module comment).
 */
export function naivePayloadOf(algorithm: string, shape: BatchShape, rowBytes: number): number | null {
  if (shape.value !== 'rows') return payloadBytesOf(shape, rowBytes);
  return algorithm === 'pagerank' ? 8 : null;
}

/** Payload bytes per entry of a shape (`rowBytes` for rows). */
export function payloadBytesOf(shape: BatchShape, rowBytes: number): number {
  switch (shape.value) {
    case 'none':
      return 0;
    case 'i32':
    case 'step':
      return 4;
    case 'f64':
      return 8;
    case 'rows':
      return rowBytes;
  }
}

/** The frame batch kind of a shape. */
export function frameKindOf(shape: BatchShape): BatchKind {
  switch (shape.value) {
    case 'none':
      return 'ids';
    case 'i32':
      return 'values-i32';
    case 'f64':
      return 'values-f64';
    case 'step':
      return 'spikes';
    case 'rows':
      return 'limbs-u64';
  }
}

/** Cut arcs per list element of one partition's lists, aligned with sendOffsets / receiveOffsets. */
export interface ListWeights {
  send: Uint32Array;
  receive: Uint32Array;
}

export type PartitionWeights = Record<ListKind, ListWeights>;

function listsOf(part: PlacedPartition, kind: ListKind): ExchangeLists {
  return kind === 'plain' ? part : part[kind];
}

/**
 * For every partition and list kind, the cut arcs each list element stands for (module comment):
 * `send` (masters' side: values going to the replica) holds the replica's local out-degree,
 * `receive` (replicas' side: partial results going back) its local in-degree; with `undirected`
 * both hold out + in. At least 1 each.
 */
export function cutArcWeights(host: WasmHost, placed: readonly PlacedPartition[], undirected = false): PartitionWeights[] {
  const outDegrees: Uint32Array[] = [];
  const inDegrees: Uint32Array[] = [];
  for (const part of placed) {
    const out = new Uint32Array(part.n);
    const into = new Uint32Array(part.n);
    const offsets = host.view(Uint32Array, part.outOffsets, part.n + 1);
    const targets = host.view(Uint32Array, part.outTargets, part.m);
    for (let v = 0; v < part.n; v++) out[v] = offsets[v + 1]! - offsets[v]!;
    for (let a = 0; a < part.m; a++) into[targets[a]!]!++;
    if (undirected) {
      for (let v = 0; v < part.n; v++) out[v]! += into[v]!;
      into.set(out);
    }
    outDegrees.push(out);
    inDegrees.push(into);
  }
  const kinds: ListKind[] = ['plain', 'push', 'pull'];
  const result: PartitionWeights[] = placed.map(() => ({}) as PartitionWeights);
  for (const kind of kinds) {
    // per partition, the out-degree of each of its replicas in receive-list order
    const replicaOut: Uint32Array[] = [];
    // receive side first: the replicas are here
    placed.forEach((part, p) => {
      const lists = listsOf(part, kind);
      const total = lists.receiveOffsets[lists.receiveOffsets.length - 1]!;
      const local = host.view(Uint32Array, lists.receiveLocal, total);
      const receive = new Uint32Array(total);
      const forward = new Uint32Array(total);
      for (let e = 0; e < total; e++) {
        receive[e] = Math.max(1, inDegrees[p]![local[e]!]!);
        forward[e] = Math.max(1, outDegrees[p]![local[e]!]!);
      }
      replicaOut[p] = forward;
      result[p]![kind] = { send: new Uint32Array(lists.sendOffsets[lists.sendOffsets.length - 1]!), receive };
    });
    // send side: p's send list to q pairs position by position with q's receive list from p
    placed.forEach((part, p) => {
      const lists = listsOf(part, kind);
      const send = result[p]![kind].send;
      lists.sendPeers.forEach((q, i) => {
        const peer = listsOf(placed[q]!, kind);
        const at = peer.receivePeers.indexOf(p);
        const length = lists.sendOffsets[i + 1]! - lists.sendOffsets[i]!;
        if (at < 0 || peer.receiveOffsets[at + 1]! - peer.receiveOffsets[at]! !== length) throw new Error(`internal: ${kind} lists of partitions ${p} and ${q} do not pair`);
        send.set(replicaOut[q]!.subarray(peer.receiveOffsets[at]!, peer.receiveOffsets[at + 1]!), lists.sendOffsets[i]!);
      });
    });
  }
  return result;
}

/** Naive and batched bytes and messages, and the optimized figures beside them. */
export interface ModeCounts {
  bytes: number;
  messages: number;
}

export function emptyCounts(): ModeCounts {
  return { bytes: 0, messages: 0 };
}

/**
 * Count what naive messaging and uncombined batches would send for one committed batch whose
 * elements stand for `arcs` cut arcs in total, each carrying `payload` bytes.
 */
export function countAlternatives(arcs: number, payload: number | null, naive: ModeCounts, batched: ModeCounts, batchHeader = BATCH_HEADER_BYTES): void {
  if (arcs === 0) return;
  if (payload === null) {
    // not counted as naive messages (LIF ring rows): a header-only frame in batched mode
    batched.messages += 1;
    batched.bytes += batchHeader;
    return;
  }
  naive.messages += arcs;
  naive.bytes += arcs * (NAIVE_MESSAGE_HEADER_BYTES + NAIVE_ENTRY_ID_BYTES + payload);
  batched.messages += 1;
  batched.bytes += batchHeader + arcs * (NAIVE_ENTRY_ID_BYTES + payload);
}
