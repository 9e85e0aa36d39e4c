/**
 * NetworkTopologyAnalyzer (issue 5, items 1 and 3): which workers share a host, what kind of link
 * joins each pair, and how batches are routed over those links.
 *
 * This release runs every worker as a thread of one process, so "hosts" are SIMULATED: the
 * `hosts` option groups workers (e.g. [[0, 1], [2, 3]]); workers of one group talk over the
 * host's shared memory (or in-process frames with `transport: 'frames'`), workers of different
 * groups over a modelled network link. Default: one host holding every worker.
 *
 * Link classes and their defaults (bandwidth, fixed cost per message):
 *   shared-memory       8 GB/s, 1 µs: the mailbox is written in place; the receiver reads the same
 *                       bytes after the barrier (a cache-to-cache copy, ~memcpy speed)
 *   frames-in-process   from the frame codec's measured speed here: encode + CRC + decode of an
 *                       NMF1 frame ran at ~300-600 MB/s with ~20-40 µs per frame (flatbuffers
 *                       builder, two CRC passes); 400 MB/s and 30 µs
 *   network             a 1 Gb/s link (125 MB/s) with 50 µs per message (a LAN round trip's half)
 * The defaults are priors: the BandwidthMonitor (monitor.ts) measures the links that run and the
 * LatencyPredictor replaces them by the measured figures online. The network class cannot be
 * measured in one process: its time is modelled (and said to be).
 *
 * Routing: `direct` (one frame per worker pair) when every pair's link is of one class;
 * `hierarchical` when the links differ: the batches of all workers of a host for one remote host
 * are combined into one frame per host pair before they cross the slower link, which pays its
 * per-message cost once per host pair instead of once per worker pair.
 */
import { OptionsError } from '../errors.js';

export type LinkClass = 'shared-memory' | 'frames-in-process' | 'network';
/**
 * How batches leave a worker: 'shared' in place in the mailboxes; 'frames' encoded as NMF1 frames
 * into a wire slot of the shared memory; 'ports' encoded as frames and posted over a MessagePort to
 * the receiving thread, which never reads the sender's memory (router.ts).
 */
export type Transport = 'shared' | 'frames' | 'ports';
export const TRANSPORTS: readonly Transport[] = ['shared', 'frames', 'ports'];

/** Whether batches travel as encoded frames on this transport. */
export function framed(transport: Transport): boolean {
  return transport !== 'shared';
}
export type Routing = 'direct' | 'hierarchical';

/** A link's throughput and fixed per-message cost. */
export interface LinkModel {
  /** bytes per second */
  bandwidth: number;
  /** seconds per message, independent of its size */
  latency: number;
}

export const DEFAULT_LINKS: Readonly<Record<LinkClass, LinkModel>> = {
  'shared-memory': { bandwidth: 8e9, latency: 1e-6 },
  'frames-in-process': { bandwidth: 400e6, latency: 30e-6 },
  network: { bandwidth: 125e6, latency: 50e-6 },
};

export interface TopologyOptions {
  /** groups of workers per (simulated) host; every worker in exactly one group. Default: one host */
  hosts?: number[][];
  /** how workers of one host exchange: in place ('shared') or as encoded frames ('frames', 'ports') */
  transport?: Transport;
  /** replace the default model of a link class */
  links?: Partial<Record<LinkClass, LinkModel>>;
}

export interface TopologySummary {
  workers: number;
  hosts: number[][];
  transport: Transport;
  routing: Routing;
  /** the classes of link in use between workers that exchange at all */
  linkClasses: LinkClass[];
  links: Record<LinkClass, LinkModel>;
}

export class NetworkTopologyAnalyzer {
  readonly workers: number;
  readonly hosts: number[][];
  readonly transport: Transport;
  readonly links: Record<LinkClass, LinkModel>;
  /** hostOf[w]: the index of worker w's host */
  readonly hostOf: Int32Array;

  constructor(workers: number, options: TopologyOptions = {}) {
    if (!Number.isInteger(workers) || workers < 1) throw new OptionsError('workers', 'must be a positive integer', workers);
    this.workers = workers;
    this.transport = options.transport ?? 'shared';
    if (!TRANSPORTS.includes(this.transport)) throw new OptionsError('transport', `must be one of ${TRANSPORTS.join(', ')}`, this.transport);
    this.hosts = options.hosts ?? [Array.from({ length: workers }, (_, w) => w)];
    this.hostOf = new Int32Array(workers).fill(-1);
    if (!Array.isArray(this.hosts) || this.hosts.length === 0) throw new OptionsError('hosts', 'must be a non-empty list of worker groups', options.hosts);
    this.hosts.forEach((group, h) => {
      if (!Array.isArray(group) || group.length === 0) throw new OptionsError('hosts', `group ${h} must be a non-empty list of workers`, group);
      for (const w of group) {
        if (!Number.isInteger(w) || w < 0 || w >= workers) throw new OptionsError('hosts', `group ${h} names worker ${String(w)}, not one of 0..${workers - 1}`, w);
        if (this.hostOf[w] !== -1) throw new OptionsError('hosts', `worker ${w} is in groups ${this.hostOf[w]} and ${h}`, w);
        this.hostOf[w] = h;
      }
    });
    const missing = this.hostOf.indexOf(-1);
    if (missing >= 0) throw new OptionsError('hosts', `worker ${missing} is in no group`, missing);
    this.links = { ...DEFAULT_LINKS };
    for (const [name, model] of Object.entries(options.links ?? {}) as [LinkClass, LinkModel][]) {
      if (!(name in DEFAULT_LINKS)) throw new OptionsError('links', `unknown link class ${name}`, name);
      if (!(model.bandwidth > 0 && Number.isFinite(model.bandwidth) && model.latency >= 0 && Number.isFinite(model.latency))) {
        throw new OptionsError(`links.${name}`, 'needs a positive finite bandwidth and a non-negative finite latency', model);
      }
      this.links[name] = { ...model };
    }
  }

  sameHost(p: number, q: number): boolean {
    return this.hostOf[p] === this.hostOf[q];
  }

  /** The class of the link from worker p to worker q. */
  linkClass(p: number, q: number): LinkClass {
    if (!this.sameHost(p, q)) return 'network';
    return framed(this.transport) ? 'frames-in-process' : 'shared-memory';
  }

  link(p: number, q: number): LinkModel {
    return this.links[this.linkClass(p, q)];
  }

  /**
   * The link classes between pairs that exchange (`talks(p, q)`; default every pair): direct when
   * they are all one class, hierarchical otherwise.
   */
  routing(talks: (p: number, q: number) => boolean = () => true): Routing {
    return this.linkClassesInUse(talks).length > 1 ? 'hierarchical' : 'direct';
  }

  linkClassesInUse(talks: (p: number, q: number) => boolean = () => true): LinkClass[] {
    const classes = new Set<LinkClass>();
    for (let p = 0; p < this.workers; p++) for (let q = 0; q < this.workers; q++) if (p !== q && talks(p, q)) classes.add(this.linkClass(p, q));
    return [...classes].sort();
  }

  /**
   * Messages that cross hosts for one exchange in which worker p sends to the workers q with
   * `sent[p][q] > 0`: one per worker pair (direct) or one per host pair (hierarchical).
   */
  crossHostMessages(sent: ArrayLike<ArrayLike<number>>, routing: Routing): number {
    let messages = 0;
    const hostPairs = new Set<number>();
    for (let p = 0; p < this.workers; p++) {
      for (let q = 0; q < this.workers; q++) {
        if (p === q || this.sameHost(p, q) || !(sent[p]?.[q] ?? 0)) continue;
        messages++;
        hostPairs.add(this.hostOf[p]! * this.hosts.length + this.hostOf[q]!);
      }
    }
    return routing === 'hierarchical' ? hostPairs.size : messages;
  }

  summary(talks?: (p: number, q: number) => boolean): TopologySummary {
    return {
      workers: this.workers,
      hosts: this.hosts.map((group) => [...group]),
      transport: this.transport,
      routing: this.routing(talks),
      linkClasses: this.linkClassesInUse(talks),
      links: { ...this.links },
    };
  }
}
