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
 * Beside them each commit counts what naive messaging and uncombined batches would have sent for the
 * same elements (accounting.ts), when the run gives the Router its `communication` setup.
 *
 * Frame transport (`transport: 'frames'`): at commit the batch is read out of the mailbox, encoded as
 * its NMF1 frame (frame.ts; codec Parts through a CompressionManager in optimized mode) into the
 * pair's WIRE slot, and the mailbox buffer is overwritten with 0xFF bytes: the receiver must decode
 * the frame (checked as hostile input: CRC, header, list lengths, codecs) back into the mailbox before
 * the program reads it, which `inbox` does once per exchange. The bytes counted are the frames' bytes.
 * A wire slot (per mailbox and parity, 8-byte aligned):
 *
 *   +0   u32 frame length (0: an empty batch, no frame)
 *   +4   u32 exchange number the frame belongs to (a stale slot is refused)
 *   +8   u32 channel (accounting.ts CHANNELS: which lists the batch follows)
 *   +12  u32 aux
 *   +16  u32 list length, +20 u32 carried bytes, +24 u32 payload bytes per entry, +28 u32 entries:
 *        with +4 (then exchange + 1: 0 is a record never written) and +8, +12 the batch's commit
 *        record, read by its host's gateway (below)
 *   +32  the frame
 *
 * Host combining (transport 'frames' with hierarchical routing, `hostOf`): a batch to another host
 * is not framed on its own: its committer writes the commit record. When a partition has made its
 * last commit of an exchange (`flush`, at the program's sync) it counts itself on its host's counter;
 * the host's last partition (the gateway) reads, for each other host, every batch committed to it in
 * this exchange from its host's mailboxes (shared memory of one host), encodes them as ONE frame
 * (batches routed partition to partition inside it) into the host pair's slot, and scrambles the
 * mailboxes. Each receiving partition decodes that frame once per exchange (its own batches only).
 * Host pair slot: +0 u32 frame length (0: nothing crossed), +4 u32 exchange, +8 the frame. The bytes
 * and messages counted are the combined frames', by the gateway.
 *
 * Port transport (`transport: 'ports'`, item 8's "threads that do not share the mailbox"): the same
 * frame is posted (its buffer transferred) over a MessagePort of the pair, created by the
 * coordinator per attempt and transferred with each thread's task; the receiving thread drains its
 * port synchronously (`receiveMessageOnPort`, src/platform/node-ports.ts) when the program first reads
 * the inbox after the barrier, and decodes the frame into the inbox. Nothing of the batch is read
 * from the sender's memory. What the receiver needs to know besides the frames is a NOTICE per pair
 * and parity in shared memory, the part of the barrier's message a network barrier would carry:
 *
 *   +0   u32 exchange number (a stale notice is refused)
 *   +4   u32 frame length (0: nothing sent this exchange, so no frame to wait for)
 *   +8   u32 channel
 *   +12  u32 unused
 *
 * A frame the notice announces but the port does not hold is waited for until the barrier timeout,
 * then WorkerLostError (cause 'timeout'); a frame that fails its checks is the frame's TransportError,
 * its message naming the pair and the superstep. Frames of an exchange the program never read are
 * skipped; a frame of a later exchange ahead of the one announced means that one was lost.
 */
import { ErrorCode, TransportError, WorkerLostError } from '../errors.js';
import type { WasmHost } from '../memory/host.js';
import type { ExchangeLists, PlacedPartition } from '../place/place.js';
import { BATCH_HEADER_BYTES, CHANNELS, channelOf, frameOverheadBytes, countAlternatives, emptyCounts, frameKindOf, naivePayloadOf, payloadBytesOf, type BatchShape, type CommunicationMode, type ListKind, type ModeCounts, type PartitionWeights } from './accounting.js';
import { CompressionManager, type CodecKernels } from './codecs.js';
import { decodeFrame, encodeFrame, peekSuperstep, type DecodedFrame, type MessageBatch } from './frame.js';
import { BandwidthMonitor, LatencyPredictor, type PredictionError } from './monitor.js';
import { DEFAULT_LINKS, type Transport } from './topology.js';

export const MAILBOX_COUNT = 0;
export const MAILBOX_AUX = 4;
export const MAILBOX_POSITIONS = 8;
export const MAILBOX_HEADER_BYTES = 8;
export const WIRE_HEADER_BYTES = 32;
/** u32 words of a port transport notice (per pair and parity) */
export const NOTICE_WORDS = 4;
/** Room for a frame's own structure beyond its arrays (frame.ts: table, vtables, vector headers). */
const WIRE_SLACK_BYTES = 1024;

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
  /** frame transport: offset of wire slot 0 of each mailbox (-1: none), and the bytes to slot 1 */
  wireBase?: number[];
  wireStride?: number[];
  /** port transport: offset of the notices, NOTICE_WORDS u32 per (p -> q, parity) at ((p·workers + q)·2 + parity) */
  noticeBase?: number;
  /** host combining: each partition's host, per host pair (A·hosts + B) its slot and slot stride, per host its partitions */
  hostOf?: number[];
  hosts?: number;
  hostBase?: number[];
  hostStride?: number[];
  hostPartitions?: number[];
  /** u32 counters of partitions done committing, one per (host, parity) */
  hostCount?: number;
}

export interface MailboxOptions {
  /** allocate a wire slot per mailbox and parity (transport 'frames') */
  frames?: boolean;
  /** allocate a notice per pair and parity (transport 'ports') */
  ports?: boolean;
  /** combine cross-host batches into one frame per host pair (transport 'frames', hierarchical routing): each partition's host */
  hostOf?: number[];
  /** the most steps one spike batch spans (its step offsets travel in the frame) */
  window?: number;
}

function listLength(peers: number[], offsets: number[], q: number): number {
  const i = peers.indexOf(q);
  return i < 0 ? 0 : offsets[i + 1]! - offsets[i]!;
}

/** Allocate the mailboxes of a run in the host's arena (the coordinator's side). */
export function allocateMailboxes(host: WasmHost, placed: readonly PlacedPartition[], sizing: MailboxSizing, options: MailboxOptions = {}): MailboxDirectory {
  const workers = placed.length;
  const base = new Array<number>(workers * workers).fill(-1);
  const stride = new Array<number>(workers * workers).fill(0);
  const capacity = new Array<number>(workers * workers).fill(0);
  const payloadOffset = new Array<number>(workers * workers).fill(0);
  const wireBase = new Array<number>(workers * workers).fill(-1);
  const wireStride = new Array<number>(workers * workers).fill(0);
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
      if (options.frames) {
        // a frame holds at most the mailbox's data, step offsets, and its own structure
        const slot = Math.ceil((WIRE_HEADER_BYTES + bufferBytes + 4 * ((options.window ?? 1) + 1) + WIRE_SLACK_BYTES) / 64) * 64;
        wireBase[index] = host.arena.alloc(2 * slot, 64);
        wireStride[index] = slot;
      }
    }
  }
  const directory: MailboxDirectory = { workers, base, stride, capacity, payloadOffset, payloadBytes: sizing.payloadBytes };
  if (options.frames) Object.assign(directory, { wireBase, wireStride });
  if (options.frames && options.hostOf && new Set(options.hostOf).size > 1) {
    const hostOf = options.hostOf;
    const hosts = Math.max(...hostOf) + 1;
    const hostBase = new Array<number>(hosts * hosts).fill(-1);
    const hostStride = new Array<number>(hosts * hosts).fill(0);
    // a host frame holds at most what the wire slots of its worker pairs hold
    const room = new Array<number>(hosts * hosts).fill(0);
    for (let p = 0; p < workers; p++) {
      for (let q = 0; q < workers; q++) {
        if (base[p * workers + q]! < 0 || hostOf[p] === hostOf[q]) continue;
        room[hostOf[p]! * hosts + hostOf[q]!]! += wireStride[p * workers + q]!;
      }
    }
    for (let pair = 0; pair < hosts * hosts; pair++) {
      if (room[pair] === 0) continue;
      hostStride[pair] = Math.ceil((8 + room[pair]!) / 64) * 64;
      hostBase[pair] = host.arena.alloc(2 * hostStride[pair]!, 64);
    }
    const hostCount = host.arena.alloc(4 * hosts * 2, 64);
    host.view(Uint32Array, hostCount, hosts * 2).fill(0);
    // partitions per host: the gateway is the last of them to finish an exchange's commits
    const hostPartitions = Array.from({ length: hosts }, (_, h) => hostOf.filter((of) => of === h).length);
    Object.assign(directory, { hostOf: [...hostOf], hosts, hostBase, hostStride, hostPartitions, hostCount });
  }
  if (options.ports) {
    const words = workers * workers * 2 * NOTICE_WORDS;
    directory.noticeBase = host.arena.alloc(4 * words, 64);
    host.view(Uint32Array, directory.noticeBase, words).fill(0);
  }
  return directory;
}

/** One partition's frame ports (transport 'ports'): to each peer it sends to, from each it receives from. */
export interface PartitionPorts {
  send: Record<number, MessagePort>;
  receive: Record<number, MessagePort>;
}

/**
 * One MessageChannel per pair that has a mailbox (the coordinator's side, once per attempt: a
 * failed attempt's threads take their ports with them), and the notices zeroed. Every returned
 * port must be transferred with its thread's task.
 */
export function openFramePorts(host: WasmHost, directory: MailboxDirectory): PartitionPorts[] {
  const k = directory.workers;
  if (directory.noticeBase !== undefined) host.view(Uint32Array, directory.noticeBase, k * k * 2 * NOTICE_WORDS).fill(0);
  const ports: PartitionPorts[] = Array.from({ length: k }, () => ({ send: {}, receive: {} }));
  for (let p = 0; p < k; p++) {
    for (let q = 0; q < k; q++) {
      if (directory.base[p * k + q]! < 0) continue;
      const channel = new MessageChannel();
      ports[p]!.send[q] = channel.port1;
      ports[q]!.receive[p] = channel.port2;
    }
  }
  return ports;
}

/** Zero what one attempt's exchange leaves behind (port notices, host commit counters): once per attempt. */
export function resetTransport(host: WasmHost, directory: MailboxDirectory): void {
  if (directory.noticeBase !== undefined) host.view(Uint32Array, directory.noticeBase, directory.workers * directory.workers * 2 * NOTICE_WORDS).fill(0);
  if (directory.hostCount !== undefined) {
    host.view(Uint32Array, directory.hostCount, directory.hosts! * 2).fill(0);
    // commit records (arena memory holds whatever was there before): none written yet
    const k = directory.workers;
    for (let pair = 0; pair < k * k; pair++) {
      const base = directory.wireBase![pair]!;
      if (base < 0) continue;
      host.view(Uint32Array, base, WIRE_HEADER_BYTES / 4).fill(0);
      host.view(Uint32Array, base + directory.wireStride![pair]!, WIRE_HEADER_BYTES / 4).fill(0);
    }
  }
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
  /** the three accounting modes side by side (with a `communication` setup) */
  communication?: StepCommunication;
}

/** One worker's superstep in every accounting mode (accounting.ts), plus the frame transport's figures. */
export interface StepCommunication {
  naive: ModeCounts;
  batched: ModeCounts;
  /** combined batches: mailbox bytes (shared) or frame bytes (frames) */
  optimized: ModeCounts;
  /** the same batches as mailbox bytes (8-byte header + positions + payload), whatever the transport */
  mailbox: ModeCounts;
  /** frames only: encoded id parts: ids and their bytes (bits per id = 8 · bytes / ids) */
  ids: number;
  idBytes: number;
  /** frames only: seconds predicted (before each frame) and measured encoding and decoding frames */
  predictedSeconds: number;
  measuredSeconds: number;
  /** frames only: per link 'p->q' (p the sender), [bytes, frames, seconds] of encoding (here p) or decoding (here q) */
  links?: Record<string, [number, number, number]>;
}

/** What a Router needs to count modes and run the frame transport (per partition; structured-cloneable). */
export interface RouterCommunication {
  mode: CommunicationMode;
  transport: Transport;
  algorithm: string;
  /** frames from another run are refused */
  runChecksum: number;
  /** bytes of one row of a 'rows' batch entry besides LIF (PageRank: fixedsum_row_bytes) */
  rowBytes: number;
  weights: PartitionWeights;
  /** the CompressionManager's scratch region (frames transport, optimized mode) */
  scratch: { offset: number; bytes: number } | null;
  /** transport 'ports': this partition's port to each peer it sends to, and from each it receives from (by peer) */
  ports?: PartitionPorts;
  /** transport 'ports': how long a frame announced by its notice may take to arrive (the barrier timeout) */
  timeoutMs?: number;
  /** for tests: lose or damage the frame this partition sends to `to` in exchange `exchange` (transport 'ports') */
  fault?: TransportFault;
}

/** A frame that goes missing ('drop': announced, never posted) or arrives damaged ('corrupt': one byte flipped). */
export interface TransportFault {
  to: number;
  exchange: number;
  kind: 'drop' | 'corrupt';
}

/** Takes the next message waiting on a port, synchronously (Node: worker_threads.receiveMessageOnPort). */
export type PortReceiver = (port: MessagePort) => { message: unknown } | undefined;

function emptyStep(): StepCommunication {
  return { naive: emptyCounts(), batched: emptyCounts(), optimized: emptyCounts(), mailbox: emptyCounts(), ids: 0, idBytes: 0, predictedSeconds: 0, measuredSeconds: 0 };
}

/** A worker's view of the mailboxes: where to pack, where to unpack, and the counters. */
export class Router {
  private readonly words: Uint32Array;
  /** bytes and messages this worker sent, since the last takeStep */
  private step: TrafficCounts = { bytes: 0, messages: 0 };
  /** bytes sent to each destination over the whole run */
  readonly bytesTo: number[];
  readonly messagesTo: number[];
  /** the program phase the worker is in (set by WorkerContext.phase): part of a batch's shape */
  phase = 0;
  private readonly bytes: Uint8Array;
  private readonly codecs: CompressionManager | null = null;
  /** per source partition, the exchange whose frame was last decoded into its inbox */
  private readonly decoded: number[];
  readonly monitor = new BandwidthMonitor();
  /** the step's prediction error (step totals, encode and decode together) */
  readonly predictor: LatencyPredictor;
  /**
   * Per-frame models, one per side: encoding tries several codecs per part and decoding one, so
   * one line through both would be biased either way.
   */
  private readonly encodeModel: LatencyPredictor;
  private readonly decodeModel: LatencyPredictor;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly directory: MailboxDirectory,
    private readonly self: number,
    private readonly communication: RouterCommunication | null = null,
    private readonly part: PlacedPartition | null = null,
    /** the worker's kernel instance (its codec_* exports run the codecs) */
    kernels: object | null = null,
    /** transport 'ports': the platform's synchronous port read (src/platform/node.ts) */
    private readonly receiveOnPort: PortReceiver | null = null,
  ) {
    this.words = new Uint32Array(memory.buffer);
    this.bytes = new Uint8Array(memory.buffer);
    this.bytesTo = new Array<number>(directory.workers).fill(0);
    this.messagesTo = new Array<number>(directory.workers).fill(0);
    this.decoded = new Array<number>(directory.workers).fill(-1);
    this.predictor = new LatencyPredictor(DEFAULT_LINKS['frames-in-process']);
    this.encodeModel = new LatencyPredictor(DEFAULT_LINKS['frames-in-process']);
    this.decodeModel = new LatencyPredictor(DEFAULT_LINKS['frames-in-process']);
    if (communication) {
      if (!part) throw new Error('internal: a Router with a communication setup needs its partition');
      if (communication.transport === 'ports') {
        if (directory.noticeBase === undefined || !communication.ports) throw new Error('internal: port transport without notices or ports');
        if (!receiveOnPort) throw new TransportError(ErrorCode.TRANSPORT, "transport 'ports' needs a synchronous port read (Node's worker_threads): not available on this platform", { field: 'transport' });
      }
      if (communication.transport !== 'shared') {
        if (communication.transport === 'frames' && !directory.wireBase) throw new Error('internal: frame transport without wire slots');
        if (communication.mode === 'optimized') {
          if (!communication.scratch || !kernels) throw new Error('internal: optimized frames need codec kernels and a scratch region');
          this.codecs = new CompressionManager(kernels as CodecKernels, memory, communication.scratch);
        }
      }
      this.step.communication = emptyStep();
    }
  }

  /** batches travel as frames (in a wire slot or over a port) */
  private get frames(): boolean {
    const transport = this.communication?.transport;
    return transport === 'frames' || transport === 'ports';
  }

  private get ports(): boolean {
    return this.communication?.transport === 'ports';
  }

  /** Close this partition's ports (the run is over; a new attempt gets new ones). */
  close(): void {
    const ports = this.communication?.ports;
    if (!ports) return;
    for (const port of [...Object.values(ports.send), ...Object.values(ports.receive)]) port.close();
  }

  private buffer(from: number, to: number, exchange: number): MailboxBuffer {
    const index = from * this.directory.workers + to;
    // made once per mailbox and parity: a spiking network takes them every 0.1 ms step
    const key = 2 * index + (exchange & 1);
    const cached = this.buffers.get(key);
    if (cached) return cached;
    const start = this.directory.base[index]!;
    if (start < 0) throw new Error(`no mailbox from partition ${from} to ${to}`);
    const header = start + (exchange & 1) * this.directory.stride[index]!;
    const box: MailboxBuffer = Object.freeze({ header, positions: header + MAILBOX_POSITIONS, payload: header + this.directory.payloadOffset[index]!, capacity: this.directory.capacity[index]! });
    this.buffers.set(key, box);
    return box;
  }
  private readonly buffers = new Map<number, MailboxBuffer>();

  /** The buffer this worker packs for partition `to` in exchange number `exchange`. */
  outbox(to: number, exchange: number): MailboxBuffer {
    // the frame transport stamps a committed batch with the exchange its buffer was taken for
    this.packing = exchange;
    return this.buffer(this.self, to, exchange);
  }

  /**
   * The buffer partition `from` packed for this worker in exchange number `exchange`. With the frame
   * transport, its frame is decoded into the mailbox first (once per exchange).
   */
  inbox(from: number, exchange: number): MailboxBuffer {
    const box = this.buffer(from, this.self, exchange);
    if (this.frames && this.decoded[from] !== exchange) {
      this.receiveFrame(from, exchange, box);
      this.decoded[from] = exchange;
    }
    return box;
  }

  /**
   * Record a packed batch: its entry count goes into the header; bytes = header + carried data
   * (shared memory) or the frame's bytes (frames).
   */
  commit(to: number, box: MailboxBuffer, entries: number, carriedBytes: number, aux = 0): void {
    this.words[box.header >>> 2] = entries;
    this.words[(box.header + MAILBOX_AUX) >>> 2] = aux;
    const communication = this.communication;
    let bytes = MAILBOX_HEADER_BYTES + carriedBytes;
    if (communication) {
      const channel = channelOf(communication.algorithm, this.phase, entries, carriedBytes);
      const shape = CHANNELS[channel]!;
      const step = this.step.communication!;
      const listed = this.listOf(shape, to);
      // bytes per entry's payload: rows are as wide as the batch says (LIF: one i64 per step)
      const payload = shape.value === 'rows' ? (entries > 0 ? carriedBytes / entries : communication.rowBytes) : payloadBytesOf(shape, communication.rowBytes);
      if (entries > 0) {
        countAlternatives(this.cutArcs(box, shape, entries, listed.length, listed.weights), naivePayloadOf(communication.algorithm, shape, communication.rowBytes), step.naive, step.batched, this.frames ? frameOverheadBytes() : BATCH_HEADER_BYTES);
        step.optimized.messages++;
        step.optimized.bytes += bytes;
        step.mailbox.messages++;
        step.mailbox.bytes += bytes;
      }
      if (this.combines(to)) {
        // host combining: this batch travels inside its host pair's frame, sent by the gateway
        if (entries > 0) {
          step.optimized.messages--;
          step.optimized.bytes -= bytes;
        }
        this.commitToHost(to, entries, carriedBytes, aux, this.packing, channel, listed.length, payload);
        if (communication.mode === 'optimized') return;
      } else if (this.frames) {
        const frameBytes = this.sendFrame(to, box, entries, carriedBytes, aux, this.packing, channel, shape, listed.length, payload);
        if (entries > 0) {
          step.optimized.bytes += frameBytes - bytes;
          bytes = frameBytes;
        }
      }
      if (communication.mode !== 'optimized') {
        // the headline figures of a naive or batched run are the counted ones (accounting.ts)
        const counted = communication.mode === 'naive' ? step.naive : step.batched;
        if (counted.messages > this.headlineMessages) this.countHeadline(to, counted.bytes - this.headlineBytes, counted.messages - this.headlineMessages);
        this.headlineBytes = counted.bytes;
        this.headlineMessages = counted.messages;
        return;
      }
    }
    if (entries === 0) return;
    this.countHeadline(to, bytes, 1);
  }

  /** the exchange of the last outbox taken (the one being packed) */
  private packing = 0;
  /** counted naive/batched figures already reported as headline figures this step */
  private headlineBytes = 0;
  private headlineMessages = 0;

  private countHeadline(to: number, bytes: number, messages: number): void {
    this.step.bytes += bytes;
    this.step.messages += messages;
    // per destination within the superstep; messages per destination are one per batch, so
    // bytesTo with its non-zero entries says both
    (this.step.bytesTo ??= new Array<number>(this.directory.workers).fill(0))[to]! += bytes;
    this.bytesTo[to]! += bytes;
    this.messagesTo[to]! += messages;
  }

  /** The committing partition's list of a shape towards `peer`: its length and cut-arc weights. */
  private listOf(shape: BatchShape, peer: number): { length: number; weights: Uint32Array } {
    const part = this.part!;
    const lists: ExchangeLists = shape.lists === 'plain' ? part : part[shape.lists as Exclude<ListKind, 'plain'>];
    const send = shape.side === 'send';
    const peers = send ? lists.sendPeers : lists.receivePeers;
    const offsets = send ? lists.sendOffsets : lists.receiveOffsets;
    const i = peers.indexOf(peer);
    if (i < 0) return { length: 0, weights: new Uint32Array(0) };
    const weights = this.communication!.weights[shape.lists];
    return { length: offsets[i + 1]! - offsets[i]!, weights: (send ? weights.send : weights.receive).subarray(offsets[i]!, offsets[i + 1]!) };
  }

  /** The cut arcs a batch's elements stand for: the whole list (dense) or the positions written. */
  private cutArcs(box: MailboxBuffer, shape: BatchShape, entries: number, listLength: number, weights: Uint32Array): number {
    let arcs = 0;
    if (!shape.sparse) {
      if (entries !== listLength) throw new TransportError(ErrorCode.TRANSPORT, `a dense batch of ${entries} entries for a list of ${listLength}`, { field: 'entries' });
      for (let j = 0; j < listLength; j++) arcs += weights[j]!;
      return arcs;
    }
    const positions = box.positions >>> 2;
    for (let j = 0; j < entries; j++) {
      const at = this.words[positions + j]!;
      if (at >= listLength) throw new TransportError(ErrorCode.TRANSPORT, `position ${at} beyond the list of ${listLength}`, { field: 'positions' });
      arcs += weights[at]!;
    }
    return arcs;
  }

  private wireSlot(from: number, to: number, exchange: number): number {
    const index = from * this.directory.workers + to;
    const base = this.directory.wireBase![index]!;
    if (base < 0) throw new Error(`no wire from partition ${from} to ${to}`);
    return base + (exchange & 1) * this.directory.wireStride![index]!;
  }

  /** Whether batches to `to` travel in a host pair's combined frame (module comment). */
  private combines(to: number): boolean {
    const hostOf = this.directory.hostOf;
    return hostOf !== undefined && this.communication?.transport === 'frames' && hostOf[this.self] !== hostOf[to];
  }

  private hostSlot(fromHost: number, toHost: number, exchange: number): number {
    const pair = fromHost * this.directory.hosts! + toHost;
    const base = this.directory.hostBase![pair]!;
    if (base < 0) throw new Error(`internal: no host slot from host ${fromHost} to ${toHost}`);
    return base + (exchange & 1) * this.directory.hostStride![pair]!;
  }

  /** Record a cross-host batch for its host's gateway (flush sends it: no frame of its own). */
  private commitToHost(to: number, entries: number, carriedBytes: number, aux: number, exchange: number, channel: number, listLength: number, payload: number): void {
    const words = this.words;
    const slot = this.wireSlot(this.self, to, exchange) >>> 2;
    words[slot] = 0;
    words[slot + 2] = channel;
    words[slot + 3] = aux;
    words[slot + 4] = listLength;
    words[slot + 5] = carriedBytes;
    words[slot + 6] = payload;
    words[slot + 7] = entries;
    // the stamp last (exchange + 1: 0 is a record never written): the gateway takes the batches of its exchange
    words[slot + 1] = exchange + 1;
  }

  /**
   * This partition made its last commit of `exchange` (WorkerContext.sync): with host combining, count
   * it on its host's counter; the host's last partition sends one frame to each other host (module
   * comment). Nothing otherwise.
   */
  flush(exchange: number): void {
    const directory = this.directory;
    if (directory.hostOf === undefined || this.communication?.transport !== 'frames') return;
    const hosts = directory.hosts!;
    const fromHost = directory.hostOf[this.self]!;
    const counter = (directory.hostCount! >>> 2) + fromHost * 2 + (exchange & 1);
    // Atomics.add orders this partition's mailboxes and records before the gateway's reads
    if (Atomics.add(this.words, counter, 1) + 1 < directory.hostPartitions![fromHost]!) return;
    Atomics.store(this.words, counter, 0);
    const step = this.step.communication!;
    for (let toHost = 0; toHost < hosts; toHost++) {
      if (toHost === fromHost || directory.hostBase![fromHost * hosts + toHost]! < 0) continue;
      // the host's frame is counted to the first partition of the destination host
      const to = directory.hostOf.indexOf(toHost);
      const bytes = this.sendHostFrame(fromHost, toHost, exchange, to);
      if (bytes === 0) continue;
      step.optimized.messages++;
      step.optimized.bytes += bytes;
      if (this.communication.mode === 'optimized') this.countHeadline(to, bytes, 1);
    }
  }

  /** The gateway: every batch of host pair (fromHost -> toHost) in `exchange`, as one frame in the host slot. */
  private sendHostFrame(fromHost: number, toHost: number, exchange: number, to: number): number {
    const words = this.words;
    const k = this.directory.workers;
    const hostOf = this.directory.hostOf!;
    const started = performance.now();
    const batches: MessageBatch[] = [];
    const boxes: { box: MailboxBuffer; carried: number; positions: number }[] = [];
    const lengths = new Map<number, number>();
    let raw = 0;
    for (let p = 0; p < k; p++) {
      if (hostOf[p] !== fromHost) continue;
      for (let q = 0; q < k; q++) {
        if (hostOf[q] !== toHost || this.directory.base[p * k + q]! < 0) continue;
        const record = this.wireSlot(p, q, exchange) >>> 2;
        // a pair that did not commit in this exchange (another channel's lists) holds an older stamp
        if (words[record + 1] !== exchange + 1) continue;
        const entries = words[record + 7]!;
        if (entries === 0) continue;
        const shape = CHANNELS[words[record + 2]!]!;
        const carried = words[record + 5]!;
        const box = this.buffer(p, q, exchange);
        batches.push(this.readBatch(box, entries, words[record + 3]!, shape, words[record + 6]!, q, p));
        lengths.set(p * k + q, words[record + 4]!);
        boxes.push({ box, carried, positions: shape.sparse ? 4 * entries : 0 });
        raw += MAILBOX_HEADER_BYTES + carried;
      }
    }
    const slot = this.hostSlot(fromHost, toHost, exchange);
    if (batches.length === 0) {
      words[slot >>> 2] = 0;
      words[(slot + 4) >>> 2] = exchange;
      return 0;
    }
    const predicted = this.encodeModel.predict(1, raw);
    const frame = encodeFrame(
      { runChecksum: this.communication!.runChecksum, superstep: exchange, phase: this.phase, sourceWorker: fromHost, destinationWorker: toHost },
      batches,
      this.codecs ? { codecs: this.codecs, listLength: (source, destination) => lengths.get(source * k + destination)! } : undefined,
    );
    const pair = fromHost * this.directory.hosts! + toHost;
    if (8 + frame.length > this.directory.hostStride![pair]!) throw new TransportError(ErrorCode.TRANSPORT, `a host frame of ${frame.length} bytes exceeds its slot (${this.directory.hostStride![pair]! - 8})`, { field: 'frame' });
    this.bytes.set(frame, slot + 8);
    words[slot >>> 2] = frame.length;
    words[(slot + 4) >>> 2] = exchange;
    // the receivers must decode the frame: nothing of the batches stays readable in the mailboxes
    for (const { box, carried, positions } of boxes) {
      words[box.header >>> 2] = 0xffff_ffff;
      this.bytes.fill(0xff, box.positions, box.positions + positions);
      this.bytes.fill(0xff, box.payload, box.payload + carried - positions);
    }
    const seconds = (performance.now() - started) / 1000;
    this.encodeModel.observe(1, raw, seconds);
    this.observe(`${this.self}->${to}`, raw, predicted, seconds);
    if (this.codecs) {
      const step = this.step.communication!;
      for (const batch of batches) {
        if (batch.kind === 'spikes' || !batch.ids) continue;
        step.ids += batch.ids.length;
        step.idBytes += this.codecs.encodeIds(batch.ids, lengths.get(batch.sourcePartition * k + batch.destinationPartition)!).bytes.length;
      }
    }
    return frame.length;
  }

  /** Per source host: the exchange whose combined frame was decoded last, and this partition's batches in it by source. */
  private readonly hostDecoded = new Map<number, { exchange: number; batches: Map<number, MessageBatch> }>();

  /** This partition's batches in the combined frame from `fromHost` in `exchange` (decoded once per exchange). */
  private hostBatches(fromHost: number, exchange: number): Map<number, MessageBatch> {
    const cached = this.hostDecoded.get(fromHost);
    if (cached && cached.exchange === exchange) return cached.batches;
    const words = this.words;
    const toHost = this.directory.hostOf![this.self]!;
    const slot = this.hostSlot(fromHost, toHost, exchange);
    const length = words[slot >>> 2]!;
    const stamp = words[(slot + 4) >>> 2]!;
    const refuse = (problem: string, field: string): never => {
      throw new TransportError(ErrorCode.FRAME_UNEXPECTED, `host wire from host ${fromHost}: ${problem}`, { field, problem, fromHost, to: this.self, superstep: exchange });
    };
    if (stamp !== exchange) refuse(`holds exchange ${stamp}, expected ${exchange}`, 'exchange');
    const batches = new Map<number, MessageBatch>();
    if (length > 0) {
      const pair = fromHost * this.directory.hosts! + toHost;
      if (8 + length > this.directory.hostStride![pair]!) refuse(`a frame of ${length} bytes in a slot of ${this.directory.hostStride![pair]! - 8}`, 'length');
      const started = performance.now();
      const k = this.directory.workers;
      // each source's batch follows the lists its commit record names
      const listLength = (source: number, destination: number): number => {
        if (destination !== this.self || source >= k || this.directory.hostOf![source] !== fromHost || this.directory.base[source * k + destination]! < 0) return -1;
        const record = this.wireSlot(source, destination, exchange) >>> 2;
        const shape = CHANNELS[words[record + 2]!];
        return shape ? this.listOf({ ...shape, side: shape.side === 'send' ? 'receive' : 'send' }, source).length : -1;
      };
      let frame: DecodedFrame;
      try {
        frame = decodeFrame(new Uint8Array(this.memory.buffer, slot + 8, length), {
          runChecksum: this.communication!.runChecksum,
          superstep: exchange,
          sourceWorker: fromHost,
          destinationWorker: toHost,
          listLength,
          only: (_, destination) => destination === this.self,
          ...(this.codecs ? { codecs: this.codecs } : {}),
        });
      } catch (error) {
        if (error instanceof TransportError) throw new TransportError(error.code, `frame from host ${fromHost} to ${toHost} in superstep ${exchange}: ${error.message}`, { ...error.details, fromHost, toHost, superstep: exchange });
        throw error;
      }
      for (const batch of frame.batches) {
        if (batches.has(batch.sourcePartition)) refuse(`two batches from partition ${batch.sourcePartition}`, 'batches');
        batches.set(batch.sourcePartition, batch);
      }
      // decoding time of host frames is not put on a worker pair's link (the gateway is the sender's secret)
      void started;
    }
    this.hostDecoded.set(fromHost, { exchange, batches });
    return batches;
  }

  /** Word index of the port notice of (from -> to) for `exchange`'s parity. */
  private notice(from: number, to: number, exchange: number): number {
    return (this.directory.noticeBase! >>> 2) + ((from * this.directory.workers + to) * 2 + (exchange & 1)) * NOTICE_WORDS;
  }

  /**
   * Encode a committed batch as its frame, hand it to the transport (the wire slot, or the pair's
   * port with its notice) and scramble the mailbox; returns the frame's bytes (0: nothing sent).
   */
  private sendFrame(to: number, box: MailboxBuffer, entries: number, carriedBytes: number, aux: number, exchange: number, channel: number, shape: BatchShape, listLength: number, payload: number): number {
    const words = this.words;
    const ports = this.ports;
    const slot = ports ? -1 : this.wireSlot(this.self, to, exchange);
    const notice = ports ? this.notice(this.self, to, exchange) : -1;
    if (ports) {
      words[notice] = exchange;
      words[notice + 1] = 0;
      words[notice + 2] = channel;
    } else {
      words[(slot + 4) >>> 2] = exchange;
      words[(slot + 8) >>> 2] = channel;
      words[(slot + 12) >>> 2] = aux;
    }
    if (entries === 0) {
      // no frame: the receiver's notice (or slot) says there is nothing to wait for
      if (!ports) words[slot >>> 2] = 0;
      return 0;
    }
    const raw = MAILBOX_HEADER_BYTES + carriedBytes;
    const predicted = this.encodeModel.predict(1, raw);
    const started = performance.now();
    const batch = this.readBatch(box, entries, aux, shape, payload, to);
    const frame = encodeFrame(
      { runChecksum: this.communication!.runChecksum, superstep: exchange, phase: this.phase, sourceWorker: this.self, destinationWorker: to },
      [batch],
      this.codecs ? { codecs: this.codecs, listLength: () => listLength } : undefined,
    );
    const length = frame.length;
    if (ports) {
      const fault = this.communication!.fault;
      const lost = fault !== undefined && fault.to === to && fault.exchange === exchange;
      if (lost && fault.kind === 'corrupt') frame[length >>> 1]! ^= 0x20;
      if (!(lost && fault.kind === 'drop')) this.communication!.ports!.send[to]!.postMessage(frame, [frame.buffer]);
      // after the post: a receiver that sees the notice (after the barrier) finds the frame queued
      words[notice + 1] = length;
    } else {
      const capacity = this.directory.wireStride![this.self * this.directory.workers + to]! - WIRE_HEADER_BYTES;
      if (length > capacity) throw new TransportError(ErrorCode.TRANSPORT, `a frame of ${length} bytes exceeds its wire slot (${capacity})`, { field: 'frame' });
      this.bytes.set(frame, slot + WIRE_HEADER_BYTES);
      words[slot >>> 2] = length;
    }
    // the receiver must decode the frame: nothing of the batch stays readable in the mailbox
    words[box.header >>> 2] = 0xffff_ffff;
    const positionBytes = shape.sparse ? 4 * entries : 0;
    this.bytes.fill(0xff, box.positions, box.positions + positionBytes);
    this.bytes.fill(0xff, box.payload, box.payload + carriedBytes - positionBytes);
    const seconds = (performance.now() - started) / 1000;
    this.encodeModel.observe(1, raw, seconds);
    this.observe(`${this.self}->${to}`, raw, predicted, seconds);
    if (this.codecs && batch.kind !== 'spikes' && batch.ids) {
      // bits per id: the id part as the codecs chose it (the first part of the Parts payload)
      const step = this.step.communication!;
      step.ids += batch.ids.length;
      step.idBytes += this.codecs.encodeIds(batch.ids, listLength).bytes.length;
    }
    return length;
  }

  private observe(link: string, raw: number, predicted: number, seconds: number): void {
    const step = this.step.communication!;
    step.predictedSeconds += predicted;
    step.measuredSeconds += seconds;
    this.monitor.observe(link, raw, 1, seconds);
    const figures = ((step.links ??= {})[link] ??= [0, 0, 0]);
    figures[0] += raw;
    figures[1] += 1;
    figures[2] += seconds;
  }

  /** A mailbox batch as a frame batch (copies: the mailbox is scrambled right after). */
  private readBatch(box: MailboxBuffer, entries: number, aux: number, shape: BatchShape, payload: number, to: number, from = this.self): MessageBatch {
    const buffer = this.memory.buffer;
    const route = { sourcePartition: from, destinationPartition: to };
    const ids = shape.sparse ? new Uint32Array(buffer, box.positions, entries).slice() : null;
    switch (shape.value) {
      case 'none':
        return { kind: 'ids', ...route, ids: ids! };
      case 'i32':
        return { kind: 'values-i32', ...route, ids, values: new Int32Array(buffer, box.payload, entries).slice() };
      case 'f64':
        return { kind: 'values-f64', ...route, ids, values: new Float64Array(buffer, box.payload, entries).slice() };
      case 'rows':
        return { kind: 'limbs-u64', ...route, ids: null, rowWidth: payload / 8, values: new BigUint64Array(buffer, box.payload, (entries * payload) / 8).slice() };
      case 'step': {
        // (position, step) pairs in step order: positions grouped by step from `aux` on
        const steps = new Uint32Array(buffer, box.payload, entries);
        const last = steps[entries - 1]!;
        if (steps[0]! < aux) throw new TransportError(ErrorCode.TRANSPORT, `spike step ${steps[0]} before the window's first step ${aux}`, { field: 'steps' });
        const stepOffsets = new Uint32Array(last - aux + 2);
        for (let j = 0; j < entries; j++) {
          if (j > 0 && steps[j]! < steps[j - 1]!) throw new TransportError(ErrorCode.TRANSPORT, `spike steps decrease at ${j}`, { field: 'steps' });
          stepOffsets[steps[j]! - aux + 1]!++;
        }
        for (let s = 1; s < stepOffsets.length; s++) stepOffsets[s]! += stepOffsets[s - 1]!;
        return { kind: 'spikes', ...route, ids: ids!, stepOffsets, firstStep: aux };
      }
    }
  }

  /** Decode the frame `from` sent in `exchange` back into the mailbox buffer `box`. */
  private receiveFrame(from: number, exchange: number, box: MailboxBuffer): void {
    const words = this.words;
    const refuse = (problem: string, field: string): never => {
      throw new TransportError(ErrorCode.FRAME_UNEXPECTED, `${this.ports ? 'port' : 'wire'} from partition ${from}: ${problem}`, { field, problem, from, to: this.self, superstep: exchange });
    };
    const hostOf = this.directory.hostOf;
    if (hostOf && !this.ports && hostOf[from] !== hostOf[this.self]) {
      // host combining: the batch is inside the host pair's frame
      const record = this.wireSlot(from, this.self, exchange) >>> 2;
      if (words[record + 1] !== exchange + 1) refuse(`holds exchange ${words[record + 1]! - 1}, expected ${exchange}`, 'exchange');
      const shape = CHANNELS[words[record + 2]!] ?? refuse(`unknown channel ${words[record + 2]}`, 'channel');
      words[(box.header + MAILBOX_AUX) >>> 2] = words[record + 3]!;
      const batch = this.hostBatches(hostOf[from]!, exchange).get(from);
      if (!batch) {
        words[box.header >>> 2] = 0;
        return;
      }
      this.unpack(batch, shape, box, refuse);
      return;
    }
    let length: number;
    let stamp: number;
    let channel: number;
    let slot = -1;
    if (this.ports) {
      const notice = this.notice(from, this.self, exchange);
      stamp = words[notice]!;
      length = words[notice + 1]!;
      channel = words[notice + 2]!;
    } else {
      slot = this.wireSlot(from, this.self, exchange);
      length = words[slot >>> 2]!;
      stamp = words[(slot + 4) >>> 2]!;
      channel = words[(slot + 8) >>> 2]!;
      words[(box.header + MAILBOX_AUX) >>> 2] = words[(slot + 12) >>> 2]!;
    }
    if (stamp !== exchange) refuse(`holds exchange ${stamp}, expected ${exchange}`, 'exchange');
    const shape = CHANNELS[channel] ?? refuse(`unknown channel ${channel}`, 'channel');
    if (length === 0) {
      words[box.header >>> 2] = 0;
      return;
    }
    let bytes: Uint8Array;
    const started = performance.now();
    if (this.ports) {
      bytes = this.takeFrame(from, exchange, length);
    } else {
      const capacity = this.directory.wireStride![from * this.directory.workers + this.self]! - WIRE_HEADER_BYTES;
      if (length > capacity) refuse(`a frame of ${length} bytes in a slot of ${capacity}`, 'length');
      bytes = new Uint8Array(this.memory.buffer, slot + WIRE_HEADER_BYTES, length);
    }
    // the receiver holds the other side of the sender's pair of lists
    const listLength = this.listOf({ ...shape, side: shape.side === 'send' ? 'receive' : 'send' }, from).length;
    let frame: DecodedFrame;
    try {
      frame = decodeFrame(bytes, {
        runChecksum: this.communication!.runChecksum,
        superstep: exchange,
        sourceWorker: from,
        destinationWorker: this.self,
        listLength: (source, destination) => (source === from && destination === this.self ? listLength : -1),
        ...(this.codecs ? { codecs: this.codecs } : {}),
      });
    } catch (error) {
      // name the pair and the superstep: the frame's own error says only which field
      if (error instanceof TransportError) throw new TransportError(error.code, `frame from partition ${from} to ${this.self} in superstep ${exchange}: ${error.message}`, { ...error.details, from, to: this.self, superstep: exchange });
      throw error;
    }
    if (frame.batches.length !== 1) refuse(`${frame.batches.length} batches, expected 1`, 'batches');
    const raw = this.unpack(frame.batches[0]!, shape, box, refuse);
    const seconds = (performance.now() - started) / 1000;
    const predicted = this.decodeModel.predict(1, raw);
    this.decodeModel.observe(1, raw, seconds);
    this.observe(`${from}->${this.self}`, raw, predicted, seconds);
  }

  /** A decoded batch into the mailbox buffer `box` (checked against the channel's shape and the box); returns its mailbox bytes. */
  private unpack(batch: MessageBatch, shape: BatchShape, box: MailboxBuffer, refuse: (problem: string, field: string) => never): number {
    const words = this.words;
    if (batch.kind !== frameKindOf(shape)) refuse(`a ${batch.kind} batch on a ${frameKindOf(shape)} channel`, 'kind');
    const ids = batch.ids ?? null;
    const count = ids ? ids.length : batch.kind === 'limbs-u64' ? batch.values.length / batch.rowWidth : 'values' in batch ? batch.values.length : 0;
    if (count > box.capacity) refuse(`${count} entries exceed the mailbox's ${box.capacity}`, 'count');
    if (ids) {
      if (!shape.sparse) refuse('ids in a dense channel', 'ids');
      new Uint32Array(this.memory.buffer, box.positions, count).set(ids);
    }
    let payloadBytes = 0;
    if (batch.kind === 'spikes') {
      const offsets = batch.stepOffsets;
      const first = batch.firstStep ?? 0;
      words[(box.header + MAILBOX_AUX) >>> 2] = first;
      const steps = new Uint32Array(this.memory.buffer, box.payload, count);
      for (let s = 0; s + 1 < offsets.length; s++) steps.fill(first + s, offsets[s]!, offsets[s + 1]!);
      payloadBytes = 4 * count;
    } else if ('values' in batch) {
      const bytes = new Uint8Array(batch.values.buffer, batch.values.byteOffset, batch.values.byteLength);
      const room = box.capacity * this.directory.payloadBytes;
      if (bytes.length > room) refuse(`${bytes.length} payload bytes exceed the mailbox's ${room}`, 'values');
      this.bytes.set(bytes, box.payload);
      payloadBytes = bytes.length;
    }
    if (this.ports && batch.kind !== 'spikes') words[(box.header + MAILBOX_AUX) >>> 2] = 0;
    words[box.header >>> 2] = count;
    return MAILBOX_HEADER_BYTES + (ids ? 4 * count : 0) + payloadBytes;
  }

  /**
   * The frame of `exchange` from `from`, off the pair's port (transport 'ports'): skips frames of
   * exchanges the program never read; waits for one that is announced but not there yet until the
   * timeout (WorkerLostError: it was lost in transit).
   */
  private takeFrame(from: number, exchange: number, length: number): Uint8Array {
    const port = this.communication!.ports!.receive[from];
    if (!port) throw new TransportError(ErrorCode.FRAME_UNEXPECTED, `port from partition ${from}: no port for this pair`, { field: 'port', from, to: this.self });
    const timeout = this.communication!.timeoutMs ?? 30_000;
    const deadline = performance.now() + timeout;
    for (;;) {
      const received = this.receiveOnPort!(port);
      if (received === undefined) {
        if (performance.now() >= deadline) {
          throw new WorkerLostError(ErrorCode.WORKER_LOST, `the frame from partition ${from} to ${this.self} for superstep ${exchange} (${length} bytes) did not arrive within ${timeout} ms`, {
            worker: from,
            partition: from,
            superstep: exchange,
            cause: 'timeout',
            to: this.self,
          });
        }
        Atomics.wait(this.sleeper, 0, 0, 1);
        continue;
      }
      const bytes = received.message as Uint8Array;
      if (!(bytes instanceof Uint8Array)) throw new TransportError(ErrorCode.FRAME_CORRUPT, `port from partition ${from}: a message that is not a frame`, { field: 'bytes', from, to: this.self, superstep: exchange });
      // the superstep the header says (-1: unreadable; the full decode that follows says why)
      const superstep = peekSuperstep(bytes);
      if (superstep === exchange || superstep < 0) return bytes;
      // a frame of an exchange the program did not read: skipped
      if (superstep < exchange) continue;
      // ports deliver in order: a later frame first means the announced one was lost
      throw new WorkerLostError(ErrorCode.WORKER_LOST, `the frame from partition ${from} to ${this.self} for superstep ${exchange} was lost: the port holds superstep ${superstep}'s`, { worker: from, partition: from, superstep: exchange, cause: 'timeout', to: this.self });
    }
  }

  /** Slept on when a frame is late (nothing ever notifies it). */
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));

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
    this.headlineBytes = 0;
    this.headlineMessages = 0;
    if (this.communication) {
      this.step.communication = emptyStep();
      const figures = step.communication!;
      if (figures.measuredSeconds > 0) this.predictor.record(figures.predictedSeconds, figures.measuredSeconds);
    }
    return step;
  }

  /** The frame transport's prediction error over the run so far. */
  predictionError(): PredictionError {
    return this.predictor.error();
  }
}
