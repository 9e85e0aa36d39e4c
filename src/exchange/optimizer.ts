/**
 * CommunicationOptimizer (issue 5, item 7): decides, from the topology and the run's exchange
 * pattern, which optimizations apply, predicts what they save BEFORE the run, and sets up the
 * Router of every partition (accounting, transport, codecs); after the run it puts the measured
 * figures beside the predicted ones.
 *
 * What it can decide:
 *   combining        one entry per list element instead of one per cut arc (the exchange lists
 *                    do this by construction: always on)
 *   changed-only     BFS / SSSP / WCC send flagged copies only, LIF only spikes (by the programs;
 *                    PageRank's contributions all change every iteration: dense)
 *   batching         one batch per destination per superstep (the mailboxes: always on)
 *   compression      CompressionManager codecs per batch: only where batches travel as frames
 *                    (transport 'frames' or a network link); on shared memory the mailbox is read
 *                    in place and encoding would cost more than the copy it saves: OFF, and said so
 *   hierarchical     one frame per host pair on links slower than the rest (topology.ts); off on
 *                    one host
 * On one host with shared memory it changes nothing (combining and changed-only are what the
 * programs do anyway) and says so in `note`.
 *
 * Predictions (per "full exchange", every list element of every pair once): naive bytes =
 * Σ cut arcs × (16 + 8 + payload), batched = per pair 8 + Σ cut arcs × (8 + payload), optimized =
 * per pair the batch or frame header + elements × (id bytes if sparse + payload). PageRank is
 * dense, so exact per superstep; WCC and LIF assume copies are equally likely to change whatever
 * their cut arcs. BFS sends each copy about once over a run, but a pair's batches travel in one
 * frame per superstep its copies are reached in, and with small batches the frame headers are most
 * of the bytes: frontier.ts estimates, from the placement and the source alone (never the run),
 * the schedule bfs.ts takes and the superstep of each copy, so a pair counts its reached copies,
 * one header per distinct superstep, ids as the codecs would encode them at that density and
 * levels as one varint byte (a superstep's levels lie within one band).
 */
import { OptionsError } from '../errors.js';
import { graphKernels } from '../execute/kernels.js';
import type { AlgorithmName } from '../execute/types.js';
import type { NeuromorphicGraph } from '../input/graph.js';
import type { WasmHost } from '../memory/host.js';
import type { PartitionPlan } from '../partition/layout.js';
import { placePartitions, type PlacedPartition } from '../place/place.js';
import {
  BATCH_HEADER_BYTES,
  CHANNELS,
  COMMUNICATION_MODES,
  cutArcWeights,
  frameOverheadBytes,
  NAIVE_ENTRY_ID_BYTES,
  NAIVE_MESSAGE_HEADER_BYTES,
  naivePayloadOf,
  payloadBytesOf,
  type CommunicationMode,
  type ListKind,
  type ModeCounts,
  type PartitionWeights,
} from './accounting.js';
import { CompressionManager } from './codecs.js';
import { estimateFrontier, type FrontierEstimate } from './frontier.js';
import { BandwidthMonitor, type LinkFigures, type PredictionError } from './monitor.js';
import { MAILBOX_HEADER_BYTES, type TransportFault, type MailboxDirectory, type MailboxOptions, type RouterCommunication, type StepCommunication } from './router.js';
import { framed, NetworkTopologyAnalyzer, type LinkModel, type Routing, type TopologyOptions, type TopologySummary, type Transport } from './topology.js';

/** The run options of the communication layer (coordinator DistributedRunOptions). */
export interface CommunicationOptions {
  /** which accounting the run's headline bytes and messages report (default optimized) */
  communication?: CommunicationMode;
  /** 'frames' / 'ports': every batch is encoded and decoded as its NMF1 frame (default 'shared'; topology.ts) */
  transport?: Transport;
  /** simulated hosts: groups of workers (default: one host) */
  hosts?: number[][];
  /** BFS: the source the prediction assumes (a run's own source; default 0) */
  source?: number;
  /** for tests (transport 'ports'): lose or damage the frame partition `from` sends to `to` in exchange `exchange` */
  transportFault?: TransportFault & { from: number };
}

/** One channel between one pair of partitions, for one full exchange. */
export interface PairPattern {
  from: number;
  to: number;
  channel: number;
  elements: number;
  /** Σ over the elements of the cut arcs each stands for */
  cutArcs: number;
  payloadBytes: number;
  /** what one naive message carries (accounting.ts naivePayloadOf); null: not counted as naive messages */
  naivePayloadBytes?: number | null;
  sparse: boolean;
  /**
   * frames the pair's batches travel in over the run, per full exchange of its elements (frontier
   * algorithms: the supersteps its copies are sent in, frontier.ts); default 1
   */
  frames?: number;
  /** the pair's list length (the id universe), with `frames` */
  listLength?: number;
  /** with `frames` and codecs: bytes an element's value takes encoded (BFS levels of one band: 1) */
  encodedPayloadBytes?: number;
}

export interface CommunicationPattern {
  algorithm: string;
  pairs: PairPattern[];
}

export interface Optimization {
  name: 'combining' | 'changed-only' | 'batching' | 'compression' | 'hierarchical';
  applied: boolean;
  reason: string;
}

export interface OptimizedCommunication {
  optimizations: Optimization[];
  /** predicted fraction of the naive exchange time saved (link model: latency per message + bytes / bandwidth) */
  expectedLatencyReduction: number;
  /** predicted fraction of naive bytes saved */
  expectedBandwidthSavings: number;
  /** predicted fraction of batched (uncombined, uncompressed) bytes saved */
  expectedBatchedSavings: number;
  routing: Routing;
  /** what the optimizer decided, in words (e.g. that it does nothing on shared memory) */
  note: string;
  /** the predicted bytes of one full exchange in each mode */
  predicted: { naive: number; batched: number; optimized: number; messages: number };
}

/** Pairs of partitions whose channels an algorithm uses (accounting.ts CHANNELS). */
function channelsOf(algorithm: string, replicaTargets: boolean, frontier?: FrontierEstimate): number[] {
  switch (algorithm) {
    case 'pagerank':
      return replicaTargets ? [0, 1] : [0];
    case 'bfs':
      // searching by exchange, levels travel as (position, i32) on WCC's channels
      if (frontier?.byExchange) return replicaTargets ? [4, 5] : [5];
      return replicaTargets ? [2, 3] : [3];
    case 'wcc':
      return [4, 5];
    case 'sssp':
      return replicaTargets ? [6, 7] : [7];
    case 'lif':
      return replicaTargets ? [8, 1] : [8];
    default:
      throw new OptionsError('algorithm', 'has no exchange pattern', algorithm);
  }
}

/**
 * The exchange pattern of a placement: every pair's channels with their elements and cut arcs. With
 * a `frontier` estimate (BFS), only the copies it expects to be sent count, each pair in as many
 * frames as the distinct supersteps of its copies.
 */
export function patternOf(
  placed: readonly PlacedPartition[],
  weights: readonly PartitionWeights[],
  algorithm: string,
  rowBytes: number,
  frontier?: { estimate: FrontierEstimate; host: WasmHost },
): CommunicationPattern {
  const replicaTargets = placed.some((part) => part.replicaTargets);
  const pairs: PairPattern[] = [];
  for (const channel of channelsOf(algorithm, replicaTargets, frontier?.estimate)) {
    const shape = CHANNELS[channel]!;
    placed.forEach((part, p) => {
      const lists = shape.lists === 'plain' ? part : part[shape.lists as Exclude<ListKind, 'plain'>];
      const send = shape.side === 'send';
      const peers = send ? lists.sendPeers : lists.receivePeers;
      const offsets = send ? lists.sendOffsets : lists.receiveOffsets;
      const w = send ? weights[p]![shape.lists].send : weights[p]![shape.lists].receive;
      const local = frontier ? frontier.host.view(Uint32Array, send ? lists.sendLocal : lists.receiveLocal, offsets[offsets.length - 1]!) : null;
      peers.forEach((q, i) => {
        let cutArcs = 0;
        let elements = offsets[i + 1]! - offsets[i]!;
        let frames: number | undefined;
        if (frontier && local) {
          // announce: masters reached; gather: replicas reached over a local arc (frontier.ts)
          const { superstep, reachedLocally } = frontier.estimate;
          const steps = new Set<number>();
          elements = 0;
          for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
            const l = local[e]!;
            const key = superstep[p]![l]!;
            if (key < 0 || (!send && reachedLocally[p]![l] === 0) || (send && !frontier.estimate.byExchange && key === 0)) continue;
            steps.add(key);
            elements++;
            cutArcs += w[e]!;
          }
          frames = steps.size;
        } else {
          for (let e = offsets[i]!; e < offsets[i + 1]!; e++) cutArcs += w[e]!;
        }
        const pair: PairPattern = { from: p, to: q, channel, elements, cutArcs, payloadBytes: payloadBytesOf(shape, rowBytes), naivePayloadBytes: naivePayloadOf(algorithm, shape, rowBytes), sparse: shape.sparse };
        if (frames !== undefined) {
          pair.frames = frames;
          pair.listLength = offsets[i + 1]! - offsets[i]!;
          // levels sent in one superstep lie within one band (< UNIT_BAND apart): one zigzag varint byte each
          if (shape.value === 'i32') pair.encodedPayloadBytes = 1;
        }
        pairs.push(pair);
      });
    });
  }
  return { algorithm, pairs };
}

/** Bytes an encoded id takes, predicted: delta varints of ids spread over the list (1-2 bytes). */
const PREDICTED_ENCODED_ID_BYTES = 1.5;
/** A Parts payload's part header: codec byte, element count and byte length (one-byte varints, mostly). */
const PART_HEADER_BYTES = 3;

/**
 * Encoded id bytes of `elements` ids spread over `frames` frames of a list of `listLength`
 * (CompressionManager's choice, modelled): per frame the smaller of delta varints (a gap of about
 * listLength / ids each) and a bitmap of the list.
 */
function encodedIdBytes(elements: number, frames: number, listLength: number): number {
  if (elements === 0 || frames === 0) return 0;
  const perFrame = elements / frames;
  const gap = listLength / perFrame;
  const varint = perFrame * Math.max(1, Math.ceil(Math.log2(gap + 1) / 7));
  return frames * Math.min(varint, Math.ceil(listLength / 8));
}

export { frameOverheadBytes };

export class CommunicationOptimizer {
  readonly topology: NetworkTopologyAnalyzer;
  readonly mode: CommunicationMode;

  constructor(workers: number, options: CommunicationOptions = {}) {
    const mode = options.communication ?? 'optimized';
    if (!COMMUNICATION_MODES.includes(mode)) throw new OptionsError('communication', `must be one of ${COMMUNICATION_MODES.join(', ')}`, mode);
    this.mode = mode;
    const topology: TopologyOptions = { transport: options.transport ?? 'shared' };
    if (options.hosts) topology.hosts = options.hosts;
    this.topology = new NetworkTopologyAnalyzer(workers, topology);
  }

  /** Whether batches travel as frames at all (then codecs can pay). */
  get frames(): boolean {
    return framed(this.topology.transport) || this.topology.hosts.length > 1;
  }

  /** Whether the codecs run: optimized mode over frames. */
  get compress(): boolean {
    return this.mode === 'optimized' && framed(this.topology.transport);
  }

  optimize(pattern: CommunicationPattern): OptimizedCommunication {
    const topology = this.topology;
    const talks = new Set(pattern.pairs.filter((pair) => pair.elements > 0).map((pair) => pair.from * topology.workers + pair.to));
    const routing = topology.routing((p, q) => talks.has(p * topology.workers + q));
    const hierarchical = routing === 'hierarchical';
    const sparse = pattern.pairs.some((pair) => pair.sparse);
    const header = framed(this.topology.transport) ? frameOverheadBytes(this.compress ? 'parts' : 'typed') : MAILBOX_HEADER_BYTES;
    const idBytes = this.compress ? PREDICTED_ENCODED_ID_BYTES : 4;
    let naive = 0;
    let batched = 0;
    let optimized = 0;
    let naiveSeconds = 0;
    let optimizedSeconds = 0;
    /** optimized messages (frames or mailbox batches) */
    let messages = 0;
    const hostPairs = new Map<number, { bytes: number; link: LinkModel; frames: number; batches: number }>();
    for (const pair of pattern.pairs) {
      if (pair.elements === 0) continue;
      const link = topology.link(pair.from, pair.to);
      const naivePayload = pair.naivePayloadBytes === undefined ? pair.payloadBytes : pair.naivePayloadBytes;
      const naiveArcs = naivePayload === null ? 0 : pair.cutArcs;
      const naiveBytes = naiveArcs * (NAIVE_MESSAGE_HEADER_BYTES + NAIVE_ENTRY_ID_BYTES + (naivePayload ?? 0));
      const frames = pair.frames ?? 1;
      messages += frames;
      const optimizedBytes =
        pair.frames !== undefined && this.compress && pair.listLength !== undefined
          ? frames * (header + PART_HEADER_BYTES * (pair.payloadBytes > 0 ? 2 : 1)) + encodedIdBytes(pair.elements, frames, pair.listLength) + pair.elements * (pair.encodedPayloadBytes ?? pair.payloadBytes)
          : frames * header + pair.elements * ((pair.sparse ? idBytes : 0) + pair.payloadBytes);
      naive += naiveBytes;
      batched += frames * (framed(this.topology.transport) ? header : BATCH_HEADER_BYTES) + naiveArcs * (NAIVE_ENTRY_ID_BYTES + (naivePayload ?? 0));
      optimized += optimizedBytes;
      naiveSeconds += naiveArcs * link.latency + naiveBytes / link.bandwidth;
      if (hierarchical && !topology.sameHost(pair.from, pair.to)) {
        // combined per host pair (and exchange: its channel): one message, one frame header, one latency
        const key = (topology.hostOf[pair.from]! * topology.hosts.length + topology.hostOf[pair.to]!) * CHANNELS.length + pair.channel;
        const entry = hostPairs.get(key) ?? { bytes: 0, link, frames: 0, batches: 0 };
        entry.bytes += optimizedBytes - frames * header;
        // the host pair's frames: at least its busiest worker pair's (their supersteps overlap)
        entry.frames = Math.max(entry.frames, frames);
        entry.batches += frames;
        hostPairs.set(key, entry);
        optimized -= frames * header;
        messages -= frames;
      } else {
        optimizedSeconds += frames * link.latency + optimizedBytes / link.bandwidth;
      }
    }
    // each host frame: one frame's overhead; every batch in it after the first, a further batch's
    const more = framed(topology.transport) ? frameOverheadBytes('more') : MAILBOX_HEADER_BYTES;
    for (const entry of hostPairs.values()) {
      entry.bytes += (entry.batches - entry.frames) * more;
      optimized += entry.frames * header + (entry.batches - entry.frames) * more;
      messages += entry.frames;
      optimizedSeconds += entry.frames * entry.link.latency + (entry.bytes + entry.frames * header) / entry.link.bandwidth;
    }
    const oneHostShared = topology.hosts.length === 1 && topology.transport === 'shared';
    const optimizations: Optimization[] = [
      { name: 'combining', applied: true, reason: 'exchange lists: one entry per replica, whatever the cut arcs behind it' },
      {
        name: 'changed-only',
        applied: sparse,
        reason: sparse ? 'flagged copies only (min-combined algorithms) or spikes only (LIF)' : 'PageRank contributions all change every iteration: dense batches',
      },
      { name: 'batching', applied: true, reason: 'one batch per destination per superstep (mailboxes)' },
      {
        name: 'compression',
        applied: this.compress,
        reason: this.compress
          ? 'batches travel as frames: codecs chosen per batch by CompressionManager'
          : topology.transport === 'shared'
            ? 'shared memory: the receiver reads the mailbox in place; encoding would cost more than it saves'
            : `mode ${this.mode}: frames travel uncompressed`,
      },
      {
        name: 'hierarchical',
        applied: hierarchical,
        reason: hierarchical
          ? topology.transport === 'frames'
            ? 'links differ: one frame per host pair and exchange across the slower link (built by each host\'s gateway partition)'
            : `links differ: one frame per host pair across the slower link (counted: the ${topology.transport} transport sends per worker pair)`
          : topology.hosts.length === 1
            ? 'one host: every link is alike'
            : 'every link in use is alike',
      },
    ];
    const note = oneHostShared
      ? 'one host, shared memory: nothing to change; combining and changed-only packing are what the programs do anyway, compression and hierarchical routing would only add work'
      : `${topology.transport} transport on ${topology.hosts.length} host(s), ${routing} routing${this.compress ? ', codecs per batch' : ''}`;
    return {
      optimizations,
      expectedLatencyReduction: naiveSeconds > 0 ? 1 - optimizedSeconds / naiveSeconds : 0,
      expectedBandwidthSavings: naive > 0 ? 1 - optimized / naive : 0,
      expectedBatchedSavings: batched > 0 ? 1 - optimized / batched : 0,
      routing,
      note,
      predicted: { naive, batched, optimized, messages },
    };
  }
}

/**
 * `optimizeWorkerCommunication(workers, pattern)`: the optimizations for `workers` workers exchanging
 * as `pattern` says, with the expected savings (issue 5's verb; see CommunicationOptimizer).
 */
export function optimizeWorkerCommunication(workers: number, pattern: CommunicationPattern, options: CommunicationOptions = {}): OptimizedCommunication {
  return new CommunicationOptimizer(workers, options).optimize(pattern);
}

// --- the coordinator's side ---

/** What the coordinator needs to run with the communication layer on. */
export interface PreparedCommunication {
  optimizer: CommunicationOptimizer;
  expected: OptimizedCommunication;
  /** per partition, the Router's setup */
  routers: RouterCommunication[];
  mailboxes: MailboxOptions;
}

/**
 * Set up the communication layer of a run: the pattern and its prediction, cut-arc weights and
 * (frames, optimized) one CompressionManager scratch region per partition from the host's arena.
 * Call after the mailboxes' sizing is known and before any worker starts.
 */
export function prepareCommunication(
  host: WasmHost,
  placed: readonly PlacedPartition[],
  algorithm: string,
  settings: Record<string, unknown>,
  options: CommunicationOptions,
): PreparedCommunication {
  const optimizer = new CommunicationOptimizer(placed.length, options);
  const weights = cutArcWeights(host, placed, algorithm === 'wcc');
  const rowBytes = typeof settings.rowBytes === 'number' ? settings.rowBytes : 8;
  const window = typeof settings.epoch === 'number' ? settings.epoch : 1;
  // LIF ring rows carry one i64 per step of the next epoch
  const frontier = algorithm === 'bfs' ? { estimate: estimateFrontier(host, placed, typeof settings.source === 'number' ? settings.source : 0), host } : undefined;
  const expected = optimizer.optimize(patternOf(placed, weights, algorithm, algorithm === 'lif' ? 8 * window : rowBytes, frontier));
  const runChecksum = (Math.random() * 0x1_0000_0000) >>> 0;
  const routers = placed.map((part, p): RouterCommunication => ({
    mode: optimizer.mode,
    transport: optimizer.topology.transport,
    algorithm,
    runChecksum,
    rowBytes,
    weights: weights[p]!,
    scratch: null,
    ...(options.transportFault?.from === p ? { fault: { to: options.transportFault.to, exchange: options.transportFault.exchange, kind: options.transportFault.kind } } : {}),
  }));
  const transport = optimizer.topology.transport;
  const mailboxes: MailboxOptions = { frames: transport === 'frames', ports: transport === 'ports', window };
  // frames between simulated hosts, links unequal: one real frame per host pair (router.ts host combining)
  if (transport === 'frames' && expected.routing === 'hierarchical') mailboxes.hostOf = Array.from(optimizer.topology.hostOf);
  return { optimizer, expected, routers, mailboxes };
}

/** Allocate the codecs' scratch regions, once the mailboxes are known (their capacity bounds a part). */
export function allocateCodecScratch(host: WasmHost, prepared: PreparedCommunication, directory: MailboxDirectory): void {
  if (!prepared.optimizer.compress) return;
  const capacity = Math.max(1, ...directory.capacity);
  // the most elements of one part: ids (capacity), values or limbs (capacity × limbs per entry), step offsets
  const elements = capacity * Math.max(1, Math.ceil(directory.payloadBytes / 4)) + (prepared.mailboxes.window ?? 1) + 8;
  const bytes = CompressionManager.scratchBytes(elements);
  for (const router of prepared.routers) router.scratch = { offset: host.arena.alloc(bytes, 64), bytes };
}

/** One superstep over all workers, in every mode. */
export interface CommunicationStep {
  naive: ModeCounts;
  batched: ModeCounts;
  optimized: ModeCounts;
  /** optimized, with cross-host batches combined per host pair (hierarchical routing) */
  routed: ModeCounts;
  /** the optimized batches as shared-memory mailbox bytes (equal to optimized on the shared transport) */
  mailbox: ModeCounts;
}

export interface CommunicationStats {
  mode: CommunicationMode;
  topology: TopologySummary;
  expected: OptimizedCommunication;
  perSuperstep: CommunicationStep[];
  totals: CommunicationStep;
  /** measured fractions saved by the optimized (routed) exchange */
  measured: { bandwidthSavings: number; batchedSavings: number; messageSavings: number; latencyReduction: number };
  /** |expected − measured| / measured of the bandwidth savings vs naive */
  savingsPredictionError: number;
  /** frames with codecs: encoded id bits per id (0 ids: null) */
  bitsPerId: number | null;
  /** frames: the online latency predictor's error per (superstep, worker) */
  latencyPrediction: PredictionError | null;
  /**
   * frames: per link 'p->q', the bytes (raw batch bytes) and frames it carried and the seconds
   * spent encoding (at p) and decoding (at q), with the BandwidthMonitor's smoothed bytes/s and
   * seconds per frame over the supersteps
   */
  links: Record<string, LinkFigures>;
}

function add(into: ModeCounts, from: ModeCounts): void {
  into.bytes += from.bytes;
  into.messages += from.messages;
}

/**
 * The run's communication statistics from each worker's per-superstep records: the three modes,
 * hierarchical routing applied to the optimized figures (cross-host batches of one superstep
 * between one host pair count as one message, one frame header), measured savings beside the
 * predicted ones.
 */
export function summariseCommunication(prepared: PreparedCommunication, perSuperstep: readonly (readonly { communication?: StepCommunication; bytesTo?: number[] }[])[]): CommunicationStats {
  const { optimizer, expected } = prepared;
  const topology = optimizer.topology;
  // combined per host pair in the counts only; with host combining (frames) the frames are already combined
  const hierarchical = expected.routing === 'hierarchical' && prepared.mailboxes.hostOf === undefined;
  const header = framed(topology.transport) ? frameOverheadBytes(optimizer.compress ? 'parts' : 'typed') : MAILBOX_HEADER_BYTES;
  const empty = (): CommunicationStep => ({ naive: { bytes: 0, messages: 0 }, batched: { bytes: 0, messages: 0 }, optimized: { bytes: 0, messages: 0 }, routed: { bytes: 0, messages: 0 }, mailbox: { bytes: 0, messages: 0 } });
  const totals = empty();
  let ids = 0;
  let idBytes = 0;
  let count = 0;
  let relative = 0;
  let predicted = 0;
  let measured = 0;
  let naiveSeconds = 0;
  let routedSeconds = 0;
  const monitor = new BandwidthMonitor();
  const steps = perSuperstep.map((workers) => {
    const step = empty();
    const sent: number[][] = workers.map((worker) => worker.bytesTo ?? []);
    workers.forEach((worker, p) => {
      const figures = worker.communication;
      if (!figures) return;
      add(step.naive, figures.naive);
      add(step.batched, figures.batched);
      add(step.optimized, figures.optimized);
      add(step.mailbox, figures.mailbox);
      for (const [link, [bytes, frames, seconds]] of Object.entries(figures.links ?? {})) monitor.observe(link, bytes, frames, seconds);
      ids += figures.ids;
      idBytes += figures.idBytes;
      if (figures.measuredSeconds > 0) {
        count++;
        relative += Math.abs(figures.predictedSeconds - figures.measuredSeconds) / figures.measuredSeconds;
        predicted += figures.predictedSeconds;
        measured += figures.measuredSeconds;
      }
      void p;
    });
    step.routed = { ...step.optimized };
    if (hierarchical) {
      // cross-host messages of this superstep: one per host pair instead of one per worker pair
      const direct = topology.crossHostMessages(sent, 'direct');
      const combined = topology.crossHostMessages(sent, 'hierarchical');
      step.routed.messages -= direct - combined;
      step.routed.bytes -= (direct - combined) * header;
    }
    // modelled exchange time: each message pays its link's latency, bytes its bandwidth (one host: shared)
    const link = topology.links[topology.linkClassesInUse()[0] ?? 'shared-memory'];
    naiveSeconds += step.naive.messages * link.latency + step.naive.bytes / link.bandwidth;
    routedSeconds += step.routed.messages * link.latency + step.routed.bytes / link.bandwidth;
    add(totals.naive, step.naive);
    add(totals.batched, step.batched);
    add(totals.optimized, step.optimized);
    add(totals.routed, step.routed);
    add(totals.mailbox, step.mailbox);
    return step;
  });
  const fraction = (part: number, whole: number): number => (whole > 0 ? 1 - part / whole : 0);
  const bandwidthSavings = fraction(totals.routed.bytes, totals.naive.bytes);
  return {
    mode: optimizer.mode,
    topology: topology.summary(),
    expected,
    perSuperstep: steps,
    totals,
    measured: {
      bandwidthSavings,
      batchedSavings: fraction(totals.routed.bytes, totals.batched.bytes),
      messageSavings: fraction(totals.routed.messages, totals.naive.messages),
      latencyReduction: fraction(routedSeconds, naiveSeconds),
    },
    savingsPredictionError: bandwidthSavings > 0 ? Math.abs(expected.expectedBandwidthSavings - bandwidthSavings) / bandwidthSavings : 0,
    bitsPerId: ids > 0 ? (8 * idBytes) / ids : null,
    links: monitor.links(),
    latencyPrediction: count > 0 ? { count, meanRelativeError: relative / count, totalRelativeError: measured > 0 ? predicted / measured - 1 : 0, predictedSeconds: predicted, measuredSeconds: measured } : null,
  };
}

/** Whether a run asked for the communication layer (any of its options given). */
export function communicationRequested(options: CommunicationOptions): boolean {
  return options.communication !== undefined || options.transport !== undefined || options.hosts !== undefined;
}

/**
 * The optimizer's plan for running `algorithm` on `plan` without running it (the facade's
 * `optimizeCommunication`): the partitions are placed in the host's arena to read their exchange
 * lists and cut arcs, then released.
 */
export function planCommunication(graph: NeuromorphicGraph, plan: PartitionPlan, algorithm: AlgorithmName, options: CommunicationOptions = {}): OptimizedCommunication {
  if (plan.n !== graph.n || plan.m !== graph.m) throw new OptionsError('partition', `was made for a graph of ${plan.n} vertices and ${plan.m} arcs, not this one (${graph.n}, ${graph.m})`);
  const optimizer = new CommunicationOptimizer(plan.k, options);
  const { host } = graph;
  const mark = host.arena.mark();
  try {
    const placed = placePartitions(graph, plan, { inArcs: false, neurons: false });
    const rowBytes = algorithm === 'pagerank' ? graphKernels(host).fixedsum_row_bytes() : 8;
    const frontier = algorithm === 'bfs' ? { estimate: estimateFrontier(host, placed, options.source ?? 0), host } : undefined;
    return optimizer.optimize(patternOf(placed, cutArcWeights(host, placed, algorithm === 'wcc'), algorithm, rowBytes, frontier));
  } finally {
    host.arena.release(mark);
  }
}
