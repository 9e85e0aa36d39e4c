/**
 * The Router's frame transport on its own (src/exchange/router.ts): a committed batch leaves the
 * mailbox unreadable (0xFF) until the receiver decodes its frame from the wire slot; the decoded
 * batch is the packed one, bit for bit; a damaged, stale or foreign wire slot is a TransportError,
 * never a batch. Two Routers over one placement stand for two workers.
 */
import { describe, expect, it } from 'vitest';
import { buildGraph, buildPartitionPlan, createHostSync, placePartitions } from '../../src/index.js';
import { ErrorCode, TransportError } from '../../src/errors.js';
import { cutArcWeights } from '../../src/exchange/accounting.js';
import { CompressionManager } from '../../src/exchange/codecs.js';
import { allocateMailboxes, Router, WIRE_HEADER_BYTES, type RouterCommunication } from '../../src/exchange/router.js';

function setup(mode: 'optimized' | 'batched') {
  const host = createHostSync({ initialBytes: 16 << 20 });
  // a path 0 -> 1 -> ... -> 39 split in two halves, plus arcs across: vertices 0..19 on 0, 20..39 on 1
  const n = 40;
  const src: number[] = [];
  const dst: number[] = [];
  for (let v = 0; v + 1 < n; v++) {
    src.push(v);
    dst.push(v + 1);
  }
  for (let v = 0; v < 20; v++) {
    src.push(v);
    dst.push(39 - v);
  }
  const graph = buildGraph(host, { n, src, dst });
  const plan = buildPartitionPlan(graph, { k: 2, strategy: 'edge-cut', vertexOwner: Int32Array.from({ length: n }, (_, v) => (v < 20 ? 0 : 1)), arcOwner: null });
  const placed = placePartitions(graph, plan);
  const directory = allocateMailboxes(host, placed, { multiplicity: 1, payloadBytes: 4 }, { frames: true });
  const weights = cutArcWeights(host, placed, true);
  const scratchBytes = CompressionManager.scratchBytes(1024);
  const routers = placed.map((part, p) => {
    const communication: RouterCommunication = {
      mode,
      transport: 'frames',
      algorithm: 'wcc',
      runChecksum: 0x1234,
      rowBytes: 8,
      weights: weights[p]!,
      scratch: mode === 'optimized' ? { offset: host.arena.alloc(scratchBytes, 64), bytes: scratchBytes } : null,
    };
    const router = new Router(host.memory, directory, p, communication, part, host.exports);
    // WCC's announce phase: (position, label) of lowered masters along the send list
    router.phase = 2;
    return router;
  });
  const sender = placed.findIndex((part) => part.sendPeers.length > 0);
  const receiver = placed[sender]!.sendPeers[0]!;
  const length = placed[sender]!.sendOffsets[1]! - placed[sender]!.sendOffsets[0]!;
  return { host, directory, routers, sender, receiver, length };
}

/** Pack every other list position with a label, commit it, and return what was packed. */
function pack(context: ReturnType<typeof setup>, exchange: number): { positions: Uint32Array; labels: Int32Array } {
  const { host, routers, sender, receiver, length } = context;
  const box = routers[sender]!.outbox(receiver, exchange);
  const positions = Uint32Array.from({ length: Math.ceil(length / 2) }, (_, i) => 2 * i);
  const labels = Int32Array.from(positions, (position) => 1000 - 3 * position);
  host.view(Uint32Array, box.positions, positions.length).set(positions);
  host.view(Int32Array, box.payload, labels.length).set(labels);
  routers[sender]!.commit(receiver, box, positions.length, 8 * positions.length);
  return { positions, labels };
}

describe('Router frame transport', () => {
  for (const mode of ['optimized', 'batched'] as const) {
    it(`${mode}: the mailbox is unreadable after commit; the receiver decodes exactly what was packed`, () => {
      const context = setup(mode);
      const { host, routers, sender, receiver } = context;
      expect(context.length).toBeGreaterThan(4);
      const packed = pack(context, 0);
      // before decoding, the shared mailbox holds no trace of the batch
      const raw = routers[receiver]!['buffer'](sender, receiver, 0) as { header: number; payload: number };
      expect(host.view(Uint32Array, raw.header, 1)[0]).toBe(0xffff_ffff);
      expect(Array.from(host.view(Int32Array, raw.payload, packed.labels.length)).every((value) => value === -1)).toBe(true);
      const box = routers[receiver]!.inbox(sender, 0);
      expect(routers[receiver]!.count(box)).toBe(packed.positions.length);
      expect(Array.from(host.view(Uint32Array, box.positions, packed.positions.length))).toEqual(Array.from(packed.positions));
      expect(Array.from(host.view(Int32Array, box.payload, packed.labels.length))).toEqual(Array.from(packed.labels));
      const step = routers[sender]!.takeStep();
      // frame bytes counted, the uncombined alternatives beside them
      expect(step.messages).toBe(mode === 'optimized' ? 1 : step.communication!.batched.messages);
      // the bytes counted are the frame's own bytes (its length word in the wire slot)
      const wire = context.directory.wireBase![sender * context.directory.workers + receiver]!;
      expect(step.communication!.optimized.bytes).toBe(host.view(Uint32Array, wire, 1)[0]);
      expect(step.communication!.optimized.bytes).toBeGreaterThan(0);
      expect(step.communication!.naive.messages).toBeGreaterThanOrEqual(packed.positions.length);
    });
  }

  it('a flipped byte in the wire, a stale slot, or another run: TransportError, never a batch', () => {
    const context = setup('optimized');
    const { host, directory, routers, sender, receiver } = context;
    pack(context, 0);
    const wire = directory.wireBase![sender * directory.workers + receiver]!;
    const bytes = host.view(Uint8Array, wire, 256);
    bytes[WIRE_HEADER_BYTES + 20]! ^= 0x01;
    const damaged = (() => {
      try {
        routers[receiver]!.inbox(sender, 0);
      } catch (error) {
        return error as TransportError;
      }
      return null;
    })();
    expect(damaged).toBeInstanceOf(TransportError);
    expect(damaged!.code).toBe(ErrorCode.FRAME_CORRUPT);
    // exchange 2 reuses the slot of exchange 0: reading it for exchange 2 before the sender wrote it is refused
    expect(() => routers[receiver]!.inbox(sender, 2)).toThrow(/holds exchange 0, expected 2/);
    // a sound frame of another run (another run checksum) is refused by the header check
    pack(context, 1);
    (routers[receiver] as unknown as { communication: RouterCommunication }).communication.runChecksum = 0x4321;
    let refused: TransportError | null = null;
    try {
      routers[receiver]!.inbox(sender, 1);
    } catch (error) {
      refused = error as TransportError;
    }
    expect(refused).toBeInstanceOf(TransportError);
    expect(refused!.code).toBe(ErrorCode.FRAME_UNEXPECTED);
  });
});
