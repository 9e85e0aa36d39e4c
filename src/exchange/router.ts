/**
 * The message router between threads of one host: shared-memory mailboxes, one per ordered pair of
 * partitions that share a vertex, double-buffered, and a count of every byte and message.
 *
 * A mailbox (p -> q) has two buffers; exchange number e uses buffer e mod 2. Why two: after the
 * barrier that publishes exchange e, a slow receiver may still be unpacking buffer e mod 2 while a
 * fast sender already packs exchange e + 1; the sender cannot pack e + 2 (same buffer) before the
 * barrier of e + 1, which the receiver reaches only after it finished unpacking e.
 *
 * One buffer (8-byte aligned), `capacity` entries:
 *
 *   +0                 u32 count      entries in the batch
 *   +4                 u32 aux        algorithm-specific (e.g. the superstep the batch belongs to)
 *   +8                 u32 positions[capacity]     positions in the pair's exchange list (sparse batches)
 *   +8 + pad8(4·cap)   payload[capacity × payloadBytes]
 *
 * Capacity covers both directions of the pair: p's send list to q (master values going out) and p's
 * receive list from q (replica partials going back), times the algorithm's entries per list element.
 *
 * Counting: a batch is counted when a sender commits it with at least one entry: bytes = 8 (header)
 * + what the batch carries (positions and payload actually written), one message per batch. These are
 * the bytes a frame transport would have to move; the shared-memory path moves nothing but them.
 */
import type { WasmHost } from '../memory/host.js';
import type { PlacedPartition } from '../place/place.js';

export const MAILBOX_COUNT = 0;
export const MAILBOX_AUX = 4;
export const MAILBOX_POSITIONS = 8;
export const MAILBOX_HEADER_BYTES = 8;

export interface MailboxSizing {
  /** entries per list element (1 for one value per vertex; E for LIF spikes or ring rows of an epoch) */
  multiplicity: number;
  /** payload bytes per entry (0 for position-only batches) */
  payloadBytes: number;
}

/** Where every mailbox lives: plain numbers, posted to the workers. */
export interface MailboxDirectory {
  workers: number;
  /** offset of buffer 0 of mailbox (p -> q) at p·workers + q; -1 when p and q share nothing */
  base: number[];
  /** bytes from buffer 0 to buffer 1 of each mailbox */
  stride: number[];
  /** capacity in entries of each mailbox */
  capacity: number[];
  /** byte offset of the payload within a buffer */
  payloadOffset: number[];
  payloadBytes: number;
}

function listLength(peers: number[], offsets: number[], q: number): number {
  const i = peers.indexOf(q);
  return i < 0 ? 0 : offsets[i + 1]! - offsets[i]!;
}

/** Allocate the mailboxes of a run in the host's arena (the coordinator's side). */
export function allocateMailboxes(host: WasmHost, placed: readonly PlacedPartition[], sizing: MailboxSizing): MailboxDirectory {
  const workers = placed.length;
  const base = new Array<number>(workers * workers).fill(-1);
  const stride = new Array<number>(workers * workers).fill(0);
  const capacity = new Array<number>(workers * workers).fill(0);
  const payloadOffset = new Array<number>(workers * workers).fill(0);
  for (const from of placed) {
    const peers = new Set([...from.sendPeers, ...from.receivePeers]);
    for (const q of peers) {
      const entries = Math.max(listLength(from.sendPeers, from.sendOffsets, q), listLength(from.receivePeers, from.receiveOffsets, q)) * sizing.multiplicity;
      const positionsBytes = Math.ceil((entries * 4) / 8) * 8;
      const bufferBytes = Math.ceil((MAILBOX_HEADER_BYTES + positionsBytes + entries * sizing.payloadBytes) / 64) * 64;
      const index = from.part * workers + q;
      base[index] = host.arena.alloc(2 * bufferBytes, 64);
      stride[index] = bufferBytes;
      capacity[index] = entries;
      payloadOffset[index] = MAILBOX_HEADER_BYTES + positionsBytes;
    }
  }
  return { workers, base, stride, capacity, payloadOffset, payloadBytes: sizing.payloadBytes };
}

/** One buffer of a mailbox, as offsets. */
export interface MailboxBuffer {
  /** the buffer's start (count at +0, aux at +4) */
  header: number;
  positions: number;
  payload: number;
  capacity: number;
}

/** Traffic counted by one worker. */
export interface TrafficCounts {
  bytes: number;
  messages: number;
  /** bytes to each destination partition (only when the step sent something) */
  bytesTo?: number[];
}

/** A worker's view of the mailboxes: where to pack, where to unpack, and the counters. */
export class Router {
  private readonly words: Uint32Array;
  /** bytes and messages this worker sent, since the last takeStep */
  private step: TrafficCounts = { bytes: 0, messages: 0 };
  /** bytes sent to each destination over the whole run */
  readonly bytesTo: number[];
  readonly messagesTo: number[];

  constructor(
    memory: WebAssembly.Memory,
    private readonly directory: MailboxDirectory,
    private readonly self: number,
  ) {
    this.words = new Uint32Array(memory.buffer);
    this.bytesTo = new Array<number>(directory.workers).fill(0);
    this.messagesTo = new Array<number>(directory.workers).fill(0);
  }

  private buffer(from: number, to: number, exchange: number): MailboxBuffer {
    const index = from * this.directory.workers + to;
    const start = this.directory.base[index]!;
    if (start < 0) throw new Error(`no mailbox from partition ${from} to ${to}`);
    const header = start + (exchange & 1) * this.directory.stride[index]!;
    return { header, positions: header + MAILBOX_POSITIONS, payload: header + this.directory.payloadOffset[index]!, capacity: this.directory.capacity[index]! };
  }

  /** The buffer this worker packs for partition `to` in exchange number `exchange`. */
  outbox(to: number, exchange: number): MailboxBuffer {
    return this.buffer(this.self, to, exchange);
  }

  /** The buffer partition `from` packed for this worker in exchange number `exchange`. */
  inbox(from: number, exchange: number): MailboxBuffer {
    return this.buffer(from, this.self, exchange);
  }

  /** Record a packed batch: its entry count goes into the header; bytes = header + carried data. */
  commit(to: number, box: MailboxBuffer, entries: number, carriedBytes: number, aux = 0): void {
    this.words[box.header >>> 2] = entries;
    this.words[(box.header + MAILBOX_AUX) >>> 2] = aux;
    if (entries === 0) return;
    const bytes = MAILBOX_HEADER_BYTES + carriedBytes;
    this.step.bytes += bytes;
    this.step.messages++;
    // per destination within the superstep; messages per destination are one per batch, so
    // bytesTo with its non-zero entries says both
    (this.step.bytesTo ??= new Array<number>(this.directory.workers).fill(0))[to]! += bytes;
    this.bytesTo[to]! += bytes;
    this.messagesTo[to]!++;
  }

  /** Entries in a received batch. */
  count(box: MailboxBuffer): number {
    return this.words[box.header >>> 2]!;
  }

  aux(box: MailboxBuffer): number {
    return this.words[(box.header + MAILBOX_AUX) >>> 2]!;
  }

  /** Traffic since the last call. */
  takeStep(): TrafficCounts {
    const step = this.step;
    this.step = { bytes: 0, messages: 0 };
    return step;
  }
}
