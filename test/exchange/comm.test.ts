/**
 * The communication optimizer's parts (issue 5): topology (hosts, link classes, routing), the
 * online latency model, frames with codec Parts payloads (round trip, damage, readers without
 * codecs), and the optimizer's decisions and predictions on patterns whose figures are worked out
 * by hand here.
 */
import { describe, expect, it } from 'vitest';
import { createHostSync } from '../../src/index.js';
import { ErrorCode, OptionsError, TransportError } from '../../src/errors.js';
import { CompressionManager } from '../../src/exchange/codecs.js';
import { decodeFrame, encodeFrame, type MessageBatch } from '../../src/exchange/frame.js';
import { BandwidthMonitor, LatencyPredictor } from '../../src/exchange/monitor.js';
import { NetworkTopologyAnalyzer } from '../../src/exchange/topology.js';
import { frameOverheadBytes, optimizeWorkerCommunication, type CommunicationPattern } from '../../src/exchange/optimizer.js';
import { countAlternatives } from '../../src/exchange/accounting.js';

const errorOf = (run: () => unknown): TransportError & OptionsError => {
  try {
    run();
  } catch (error) {
    return error as TransportError & OptionsError;
  }
  throw new Error('expected an error');
};

describe('NetworkTopologyAnalyzer', () => {
  it('one host by default: every link is shared memory (or in-process frames), routing direct', () => {
    const shared = new NetworkTopologyAnalyzer(4);
    expect(shared.linkClass(0, 3)).toBe('shared-memory');
    expect(shared.routing()).toBe('direct');
    const frames = new NetworkTopologyAnalyzer(4, { transport: 'frames' });
    expect(frames.linkClass(1, 2)).toBe('frames-in-process');
    expect(frames.routing()).toBe('direct');
  });

  it('simulated hosts: network links between groups, hierarchical routing when links differ', () => {
    const topology = new NetworkTopologyAnalyzer(4, { hosts: [[0, 1], [2, 3]] });
    expect(topology.linkClass(0, 1)).toBe('shared-memory');
    expect(topology.linkClass(1, 2)).toBe('network');
    expect(topology.routing()).toBe('hierarchical');
    // only cross-host pairs talk: one link class, direct
    expect(topology.routing((p, q) => !topology.sameHost(p, q))).toBe('direct');
    // one host per worker: every link is network, direct
    expect(new NetworkTopologyAnalyzer(3, { hosts: [[0], [1], [2]] }).routing()).toBe('direct');
  });

  it('cross-host messages: one per worker pair (direct) or one per host pair (hierarchical)', () => {
    const topology = new NetworkTopologyAnalyzer(4, { hosts: [[0, 1], [2, 3]] });
    // every worker sends to every other worker
    const sent = [0, 1, 2, 3].map((p) => [0, 1, 2, 3].map((q) => (p === q ? 0 : 10)));
    expect(topology.crossHostMessages(sent, 'direct')).toBe(8);
    expect(topology.crossHostMessages(sent, 'hierarchical')).toBe(2);
  });

  it('refuses hosts that do not partition the workers, and unknown transports', () => {
    expect(errorOf(() => new NetworkTopologyAnalyzer(4, { hosts: [[0, 1], [2]] })).option).toBe('hosts');
    expect(errorOf(() => new NetworkTopologyAnalyzer(4, { hosts: [[0, 1], [1, 2, 3]] })).message).toMatch(/worker 1 is in groups 0 and 1/);
    expect(errorOf(() => new NetworkTopologyAnalyzer(2, { hosts: [[0, 1, 2]] })).message).toMatch(/worker 2/);
    expect(errorOf(() => new NetworkTopologyAnalyzer(2, { transport: 'pigeons' as never })).option).toBe('transport');
    expect(errorOf(() => new NetworkTopologyAnalyzer(2, { links: { network: { bandwidth: 0, latency: 1 } } })).option).toBe('links.network');
  });
});

describe('LatencyPredictor and BandwidthMonitor', () => {
  it('recover the fixed cost and the bandwidth of t = m·latency + bytes / bandwidth online', () => {
    const predictor = new LatencyPredictor({ latency: 1e-3, bandwidth: 1e6 });
    const latency = 20e-6;
    const bandwidth = 250e6;
    for (let i = 0; i < 40; i++) {
      const bytes = 1000 + ((i * 7919) % 50_000);
      predictor.observe(1, bytes, latency + bytes / bandwidth);
    }
    const model = predictor.model();
    expect(model.latency).toBeCloseTo(latency, 9);
    expect(model.bandwidth / bandwidth).toBeCloseTo(1, 6);
    expect(predictor.predict(3, 1e6)).toBeCloseTo(3 * latency + 1e6 / bandwidth, 9);
  });

  it('answers with its prior before any observation, and reports the error of its predictions', () => {
    const predictor = new LatencyPredictor({ latency: 1e-5, bandwidth: 1e8 });
    expect(predictor.predict(2, 1e6)).toBeCloseTo(2e-5 + 1e-2, 12);
    predictor.record(1.1, 1);
    predictor.record(0.5, 1);
    const error = predictor.error();
    expect(error.count).toBe(2);
    expect(error.meanRelativeError).toBeCloseTo(0.3, 12);
    expect(error.totalRelativeError).toBeCloseTo(-0.2, 12);
  });

  it('the monitor smooths bytes/s and seconds per message per link', () => {
    const monitor = new BandwidthMonitor(0.5);
    monitor.observe('0->1', 1000, 1, 1e-3);
    monitor.observe('0->1', 3000, 1, 1e-3);
    const link = monitor.link('0->1')!;
    expect(link.bandwidth).toBeCloseTo(2e6, 6);
    expect(link.latency).toBeCloseTo(1e-3, 12);
    expect(link.bytes).toBe(4000);
    expect(monitor.link('1->0')).toBeUndefined();
  });
});

describe('frames with codec Parts payloads', () => {
  const host = createHostSync({ initialBytes: 16 << 20 });
  const codecs = CompressionManager.forHost(host, 1 << 14);
  const header = { runChecksum: 7, superstep: 3, phase: 1, sourceWorker: 0, destinationWorker: 1 };
  const listLength = 5000;
  const ids = Uint32Array.from({ length: 600 }, (_, i) => i * 7 + (i % 3));
  const batches: MessageBatch[] = [
    { kind: 'ids', sourcePartition: 0, destinationPartition: 1, ids },
    { kind: 'values-i32', sourcePartition: 0, destinationPartition: 1, ids, values: Int32Array.from(ids, (id) => id % 11) },
    { kind: 'values-f64', sourcePartition: 0, destinationPartition: 1, ids: null, values: Float64Array.from({ length: listLength }, (_, i) => 1 / (1 + (i % 50))) },
    { kind: 'limbs-u64', sourcePartition: 0, destinationPartition: 1, ids: null, rowWidth: 3, values: BigUint64Array.from({ length: 3 * listLength }, (_, i) => BigInt(i % 5)) },
    { kind: 'spikes', sourcePartition: 0, destinationPartition: 1, ids: Uint32Array.of(9, 4, 4000, 3), stepOffsets: Uint32Array.of(0, 2, 2, 4) },
  ];
  const compression = { codecs, listLength: () => listLength };
  const bits = (array: ArrayBufferView | null | undefined): string | null => (array ? Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('hex') : null);

  it('round-trip bit for bit, smaller than the plain frame', () => {
    const plain = encodeFrame(header, batches);
    const packed = encodeFrame(header, batches, compression);
    expect(packed.length).toBeLessThan(plain.length / 2);
    const decoded = decodeFrame(packed, { ...header, codecs, listLength: () => listLength });
    decoded.batches.forEach((batch, i) => {
      const original = batches[i]!;
      expect(batch.kind).toBe(original.kind);
      expect(bits(batch.ids)).toBe(bits(original.ids));
      if ('values' in original) expect(bits((batch as typeof original).values)).toBe(bits(original.values));
      if (original.kind === 'spikes') expect(bits((batch as typeof original).stepOffsets)).toBe(bits(original.stepOffsets));
    });
  });

  it('a reader without codecs refuses them (unsupported); damaged payloads are typed errors', () => {
    const packed = encodeFrame(header, batches, compression);
    expect(errorOf(() => decodeFrame(packed)).code).toBe(ErrorCode.FRAME_UNSUPPORTED);
    // an id beyond the receiver's list: unexpected or corrupt, never a wrong array
    const short = errorOf(() => decodeFrame(packed, { codecs, listLength: () => 100 }));
    expect(short).toBeInstanceOf(TransportError);
    // every single flipped byte: the CRC catches it
    for (let at = 0; at < packed.length; at += 97) {
      const damaged = packed.slice();
      damaged[at]! ^= 0x20;
      const error = errorOf(() => decodeFrame(damaged, { codecs, listLength: () => listLength }));
      expect(error).toBeInstanceOf(TransportError);
    }
  });
});

describe('optimizeWorkerCommunication', () => {
  // two partitions exchanging one sparse channel each way: 100 elements standing for 400 cut arcs,
  // 4-byte values
  const pattern: CommunicationPattern = {
    algorithm: 'wcc',
    pairs: [
      { from: 0, to: 1, channel: 5, elements: 100, cutArcs: 400, payloadBytes: 4, sparse: true },
      { from: 1, to: 0, channel: 4, elements: 100, cutArcs: 400, payloadBytes: 4, sparse: true },
    ],
  };

  it('on one host with shared memory it changes nothing and says so; savings worked out by hand', () => {
    const plan = optimizeWorkerCommunication(2, pattern);
    expect(plan.note).toMatch(/nothing to change/);
    expect(plan.optimizations.find((o) => o.name === 'compression')!.applied).toBe(false);
    expect(plan.optimizations.find((o) => o.name === 'hierarchical')!.applied).toBe(false);
    // naive: 2 × 400 × (16 + 8 + 4); batched: 2 × (8 + 400 × 12); optimized: 2 × (8 + 100 × (4 + 4))
    expect(plan.predicted).toEqual({ naive: 22_400, batched: 9_616, optimized: 1_616, messages: 2 });
    expect(plan.expectedBandwidthSavings).toBeCloseTo(1 - 1616 / 22400, 12);
    expect(plan.expectedBatchedSavings).toBeCloseTo(1 - 1616 / 9616, 12);
    expect(plan.routing).toBe('direct');
  });

  it('frames turn compression on; simulated hosts make routing hierarchical', () => {
    const frames = optimizeWorkerCommunication(2, pattern, { transport: 'frames' });
    expect(frames.optimizations.find((o) => o.name === 'compression')!.applied).toBe(true);
    // one frame each way around 100 ids at 1.5 bytes and 100 values
    expect(frames.predicted.optimized).toBeCloseTo(2 * (frameOverheadBytes('parts') + 100 * 5.5), 9);
    // a frontier pair (frames known): 100 ids in 4 frames over a list of 400 (gaps of 16: one varint
    // byte each, under the 50-byte bitmap), levels one byte each, two part headers of 3 bytes a frame
    const frontier = optimizeWorkerCommunication(2, { algorithm: 'bfs', pairs: [{ ...pattern.pairs[0]!, frames: 4, listLength: 400, encodedPayloadBytes: 1 }] }, { transport: 'frames' });
    expect(frontier.predicted.optimized).toBe(4 * (frameOverheadBytes('parts') + 6) + 4 * 25 + 100);
    expect(frontier.predicted.messages).toBe(4);
    const hosts = optimizeWorkerCommunication(4, { algorithm: 'wcc', pairs: [...pattern.pairs, { ...pattern.pairs[0]!, from: 2, to: 3 }, { ...pattern.pairs[0]!, from: 0, to: 2 }] }, { hosts: [[0, 1], [2, 3]] });
    expect(hosts.routing).toBe('hierarchical');
    expect(hosts.optimizations.find((o) => o.name === 'hierarchical')!.applied).toBe(true);
    expect(errorOf(() => optimizeWorkerCommunication(2, pattern, { communication: 'telepathy' as never })).option).toBe('communication');
  });

  it('countAlternatives: naive pays a header per cut arc, batched one per batch', () => {
    const naive = { bytes: 0, messages: 0 };
    const batched = { bytes: 0, messages: 0 };
    countAlternatives(10, 8, naive, batched);
    countAlternatives(0, 8, naive, batched);
    expect(naive).toEqual({ bytes: 10 * 32, messages: 10 });
    expect(batched).toEqual({ bytes: 8 + 10 * 16, messages: 1 });
  });
});
