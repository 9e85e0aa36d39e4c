/**
 * Message frames (src/exchange/frame.ts, schemas/frame.fbs; issue 4 item 5): every batch kind
 * survives the round trip bit for bit, dense and sparse, empty and large, aligned or not, in
 * this thread and through a real worker_threads Worker; and every damaged, forged or unexpected
 * frame is a TransportError with a stable code naming the field, never another exception.
 */
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import * as flatbuffers from 'flatbuffers';
import { ErrorCode, TransportError, fromSerialized, type SerializedError } from '../../src/errors.js';
import { crc32 } from '../../src/input/crc32.js';
import {
  decodeFrame,
  encodeFrame,
  FRAME_FORMAT_VERSION,
  FRAME_IDENTIFIER,
  type FrameExpectation,
  type FrameHeader,
  type MessageBatch,
} from '../../src/exchange/frame.js';
import { Batch, BatchKind, Codec, Frame, Header } from '../../src/generated/frame_generated.js';
import { Random } from '../helpers/random.js';

const header: FrameHeader = { runChecksum: 0x9e37_79b9, superstep: 41, phase: 2, sourceWorker: 3, destinationWorker: 1 };

/** A batch as plain data: every array as its type name and its bytes, for bit-exact comparison. */
function plain(batch: MessageBatch): Record<string, unknown> {
  const bits = (array: ArrayBufferView | null | undefined) =>
    array ? `${array.constructor.name}:${Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('hex')}` : null;
  const out: Record<string, unknown> = {
    kind: batch.kind,
    sourcePartition: batch.sourcePartition,
    destinationPartition: batch.destinationPartition,
    ids: bits(batch.ids),
  };
  if ('values' in batch) out.values = bits(batch.values);
  if (batch.kind === 'limbs-u64') out.rowWidth = batch.rowWidth;
  if (batch.kind === 'spikes') out.stepOffsets = bits(batch.stepOffsets);
  return out;
}

/** What decoding must give back: the batch itself, with a signed limb array read back as unsigned bits. */
function expected(batch: MessageBatch): Record<string, unknown> {
  if (batch.kind === 'limbs-u64' && batch.values instanceof BigInt64Array) {
    return plain({ ...batch, values: new BigUint64Array(batch.values.buffer, batch.values.byteOffset, batch.values.length) });
  }
  return plain(batch);
}

function roundTrip(batches: MessageBatch[], expect_: FrameExpectation = {}): void {
  const decoded = decodeFrame(encodeFrame(header, batches), expect_);
  expect({ ...decoded, batches: decoded.batches.map(plain) }).toEqual({ formatVersion: FRAME_FORMAT_VERSION, ...header, batches: batches.map(expected) });
}

function errorOf(run: () => unknown): TransportError {
  try {
    run();
  } catch (error) {
    if (error instanceof TransportError) return error;
    throw new Error(`expected a TransportError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a TransportError, got a decoded frame');
}

/** Random batches of every kind, dense and sparse, some empty. */
function randomBatches(random: Random, count: number, maxElements: number): MessageBatch[] {
  const batches: MessageBatch[] = [];
  for (let b = 0; b < count; b++) {
    const n = random.chance(0.1) ? 0 : random.int(1, maxElements);
    // 2^32 - 1 is the schema's "the frame's worker", not a partition
    const route = { sourcePartition: random.int(0, 15), destinationPartition: random.int(0, 0xffff_fffe) };
    const ids = () => Uint32Array.from({ length: n }, () => random.u32());
    const sparse = random.chance(0.5);
    switch (random.int(0, 4)) {
      case 0: {
        const values = new Float64Array(n);
        // raw bit patterns: NaN payloads, -0, subnormals and infinities must all survive
        new Uint32Array(values.buffer).forEach((_, i, words) => (words[i] = random.u32()));
        batches.push({ kind: 'values-f64', ...route, values, ids: sparse ? ids() : null });
        break;
      }
      case 1:
        batches.push({ kind: 'values-i32', ...route, values: Int32Array.from({ length: n }, () => random.u32() | 0), ids: sparse ? ids() : null });
        break;
      case 2: {
        const rowWidth = random.int(1, 5);
        const values = BigUint64Array.from({ length: n * rowWidth }, () => (BigInt(random.u32()) << 32n) | BigInt(random.u32()));
        batches.push({ kind: 'limbs-u64', ...route, rowWidth, values, ids: sparse ? ids() : null });
        break;
      }
      case 3: {
        const steps = random.int(0, 6);
        const cuts = Array.from({ length: steps }, () => random.int(0, n)).sort((a, b) => a - b);
        batches.push({ kind: 'spikes', ...route, ids: ids(), stepOffsets: Uint32Array.from([0, ...cuts, n]) });
        break;
      }
      default:
        batches.push({ kind: 'ids', ...route, ids: ids() });
    }
  }
  return batches;
}

describe('round trips', () => {
  it('every kind, dense and sparse, with edge values (NaN, -0, extremes), is bit-exact', () => {
    roundTrip([
      { kind: 'values-f64', sourcePartition: 0, destinationPartition: 7, values: new Float64Array([1.5, -0, NaN, Infinity, -Infinity, 5e-324, Number.MAX_VALUE]) },
      { kind: 'values-f64', sourcePartition: 1, destinationPartition: 7, values: new Float64Array([0.25, 3]), ids: new Uint32Array([9, 0xffff_ffff]) },
      { kind: 'values-i32', sourcePartition: 2, destinationPartition: 7, values: new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, -1]) },
      { kind: 'values-i32', sourcePartition: 2, destinationPartition: 6, values: new Int32Array([5]), ids: new Uint32Array([3]) },
      { kind: 'limbs-u64', sourcePartition: 3, destinationPartition: 7, rowWidth: 3, values: new BigUint64Array([0n, 1n, 2n ** 64n - 1n, 2n ** 63n, 7n, 8n]) },
      { kind: 'limbs-u64', sourcePartition: 3, destinationPartition: 7, rowWidth: 2, values: new BigInt64Array([-1n, -(2n ** 63n)]), ids: new Uint32Array([12]) },
      { kind: 'spikes', sourcePartition: 4, destinationPartition: 7, stepOffsets: new Uint32Array([0, 2, 2, 5]), ids: new Uint32Array([1, 8, 0, 3, 3]) },
      { kind: 'ids', sourcePartition: 5, destinationPartition: 7, ids: new Uint32Array([4, 1, 0xffff_ffff]) },
      // the route of the frame's own batch is left out when it is the frame's workers (3 -> 1)
      { kind: 'ids', sourcePartition: 3, destinationPartition: 1, ids: new Uint32Array([2]) },
    ]);
  });

  it('signed limbs come back as the same bits, readable as signed again', () => {
    const limbs = new BigInt64Array([-5n, 2n ** 62n, -(2n ** 63n)]);
    const [batch] = decodeFrame(encodeFrame(header, [{ kind: 'limbs-u64', sourcePartition: 0, destinationPartition: 1, rowWidth: 3, values: limbs }])).batches;
    expect(batch!.kind).toBe('limbs-u64');
    const values = (batch as { values: BigUint64Array }).values;
    expect(Array.from(new BigInt64Array(values.buffer, values.byteOffset, values.length))).toEqual([-5n, 2n ** 62n, -(2n ** 63n)]);
  });

  it('empty batches of every kind; a frame without batches is refused (no empty frames)', () => {
    const none = errorOf(() => encodeFrame(header, []));
    expect([none.code, none.details.field]).toEqual([ErrorCode.TRANSPORT, 'batches']);
    roundTrip([
      { kind: 'values-f64', sourcePartition: 0, destinationPartition: 1, values: new Float64Array(0) },
      { kind: 'values-f64', sourcePartition: 0, destinationPartition: 1, values: new Float64Array(0), ids: new Uint32Array(0) },
      { kind: 'values-i32', sourcePartition: 0, destinationPartition: 1, values: new Int32Array(0) },
      { kind: 'limbs-u64', sourcePartition: 0, destinationPartition: 1, rowWidth: 4, values: new BigUint64Array(0) },
      { kind: 'spikes', sourcePartition: 0, destinationPartition: 1, stepOffsets: new Uint32Array([0]), ids: new Uint32Array(0) },
      { kind: 'spikes', sourcePartition: 0, destinationPartition: 1, stepOffsets: new Uint32Array([0, 0, 0]), ids: new Uint32Array(0) },
      { kind: 'ids', sourcePartition: 0, destinationPartition: 1, ids: new Uint32Array(0) },
    ]);
  });

  it('header fields at their extremes', () => {
    for (const value of [0, 1, 0xffff_ffff]) {
      // worker ids are 16-bit (format version 2)
      const extreme: FrameHeader = { runChecksum: value, superstep: value, phase: value & 0xff, sourceWorker: value & 0xffff, destinationWorker: value & 0xffff };
      const decoded = decodeFrame(encodeFrame(extreme, [{ kind: 'ids', sourcePartition: 0, destinationPartition: 0xffff_fffe, ids: new Uint32Array(0) }]), extreme);
      expect({ ...decoded, batches: undefined }).toEqual({ formatVersion: FRAME_FORMAT_VERSION, ...extreme, batches: undefined });
    }
  });

  it('10,000 random small batches in one frame, in order', () => {
    const batches = randomBatches(new Random(5), 10_000, 8);
    const decoded = decodeFrame(encodeFrame(header, batches));
    expect(decoded.batches.length).toBe(10_000);
    expect(decoded.batches.map(plain)).toEqual(batches.map(expected));
  });

  it('1M f64 values (8 MB) and 1M sparse ids, bit-exact', () => {
    const random = new Random(77);
    const values = Float64Array.from({ length: 1 << 20 }, () => random.float() * 2 - 1);
    const ids = Uint32Array.from({ length: 1 << 20 }, (_, i) => i * 3);
    const bytes = encodeFrame(header, [{ kind: 'values-f64', sourcePartition: 0, destinationPartition: 1, values, ids }]);
    expect(bytes.length).toBeGreaterThan(12 * (1 << 20));
    expect(bytes.length).toBeLessThan(12 * (1 << 20) + 1024);
    const [batch] = decodeFrame(bytes).batches as unknown as [{ values: Float64Array; ids: Uint32Array }];
    expect(Buffer.from(batch.values.buffer, batch.values.byteOffset, batch.values.byteLength).equals(Buffer.from(values.buffer))).toBe(true);
    expect(Buffer.from(batch.ids.buffer, batch.ids.byteOffset, batch.ids.byteLength).equals(Buffer.from(ids.buffer))).toBe(true);
  });

  it('arrays that are views into a shared memory (the WebAssembly memory) encode as they are', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const values = new Float64Array(memory.buffer, 1024, 5);
    values.set([0.5, -1, 2, 1e300, -0]);
    const ids = new Uint32Array(memory.buffer, 4096 + 4, 5);
    ids.set([10, 20, 30, 40, 50]);
    const spikes = new Uint32Array(memory.buffer, 8192 + 12, 3);
    spikes.set([7, 8, 9]);
    roundTrip([
      { kind: 'values-f64', sourcePartition: 0, destinationPartition: 1, values, ids },
      { kind: 'spikes', sourcePartition: 0, destinationPartition: 1, ids: spikes, stepOffsets: new Uint32Array([0, 3]) },
    ]);
  });

  it('decoded arrays are views onto the frame bytes when aligned, and the output owns a tight buffer', () => {
    const bytes = encodeFrame(header, [{ kind: 'values-i32', sourcePartition: 0, destinationPartition: 1, values: new Int32Array([1, 2, 3]) }]);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.length);
    const [batch] = decodeFrame(bytes).batches as unknown as [{ values: Int32Array }];
    expect(batch.values.buffer).toBe(bytes.buffer);
  });
});

describe('unaligned input', () => {
  const batches = randomBatches(new Random(8), 40, 20);
  const bytes = encodeFrame(header, batches);

  it('a frame at every offset 1..15 of a larger buffer (a slice of a network payload) decodes the same', () => {
    for (let offset = 1; offset < 16; offset++) {
      const big = new Uint8Array(bytes.length + 32);
      big.set(bytes, offset);
      const decoded = decodeFrame(big.subarray(offset, offset + bytes.length));
      expect(decoded.batches.map(plain), `offset ${offset}`).toEqual(batches.map(expected));
    }
  });

  it('an unaligned Node Buffer (whose slice() is a view at the same offset) decodes the same', () => {
    const buffer = Buffer.concat([Buffer.from([0xaa]), Buffer.from(bytes)]).subarray(1);
    expect(buffer.byteOffset % 8).not.toBe(0);
    expect(decodeFrame(buffer).batches.map(plain)).toEqual(batches.map(expected));
  });

  it('a frame inside a SharedArrayBuffer (a mailbox) decodes the same', () => {
    const shared = new Uint8Array(new SharedArrayBuffer(bytes.length + 8), 8, bytes.length);
    shared.set(bytes);
    expect(decodeFrame(shared).batches.map(plain)).toEqual(batches.map(expected));
  });
});

// --- forging helpers: locate fields the way the FlatBuffers format defines them, independently
// of src/flatbuffers.ts, and reseal the checksum so that the checks behind it are reached ---

function tableField(view: DataView, table: number, slot: number): number {
  const vtable = table - view.getInt32(table, true);
  if (slot + 2 > view.getUint16(vtable, true)) return -1;
  const relative = view.getUint16(vtable + slot, true);
  return relative === 0 ? -1 : table + relative;
}

/** Byte position of the frame's header struct (the root table's field 0), or -1 when absent. */
function headerPosition(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return tableField(view, view.getUint32(0, true), 4);
}

/** Byte position of the frame's checksum (bytes 8..11 of the header struct), or -1 when it cannot be located in bounds. */
function checksumPosition(bytes: Uint8Array): number {
  try {
    const header = headerPosition(bytes);
    const at = header < 0 ? -1 : header + 8;
    return at >= 0 && at + 4 <= bytes.length ? at : -1;
  } catch {
    return -1;
  }
}

function reseal(bytes: Uint8Array): Uint8Array {
  const at = checksumPosition(bytes);
  if (at < 0) throw new Error('test helper: no checksum field');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(at, 0, true);
  view.setUint32(at, crc32(bytes), true);
  return bytes;
}

/** Vtable slots of a batch's fields, from its first (Batch: slot 4; the frame's own batch: slot 8, after header and `more`). */
const FIELD = { ids: 16, stepOffsets: 18, f64Values: 20, i32Values: 22, u64Values: 24 } as const;
const MORE_SLOT = 6;

/**
 * Position of a vector's length word: the frame's `more` vector (batch = -1), or field `field` (a
 * FIELD offset) of batch `batch`: 0 the frame's own (in the root table), i > 0 more[i - 1].
 */
function vectorHeader(bytes: Uint8Array, batch: number, field: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const root = view.getUint32(0, true);
  let table = root;
  let slot = batch === -1 ? MORE_SLOT : 8 + field;
  if (batch >= 1) {
    const list = tableField(view, root, MORE_SLOT);
    const element = list + view.getUint32(list, true) + 4 + 4 * (batch - 1);
    table = element + view.getUint32(element, true);
    slot = 4 + field;
  }
  const at = tableField(view, table, slot);
  if (at < 0) throw new Error(`test helper: field ${slot} absent`);
  return at + view.getUint32(at, true);
}

function patchU32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(at, value, true);
  return copy;
}

describe('rejected frames', () => {
  const batches: MessageBatch[] = [
    { kind: 'values-f64', sourcePartition: 0, destinationPartition: 1, values: new Float64Array([1, 2, 3]) },
    { kind: 'values-i32', sourcePartition: 2, destinationPartition: 1, values: new Int32Array([4, 5]), ids: new Uint32Array([0, 6]) },
    { kind: 'spikes', sourcePartition: 3, destinationPartition: 1, stepOffsets: new Uint32Array([0, 1, 3]), ids: new Uint32Array([2, 0, 5]) },
    { kind: 'limbs-u64', sourcePartition: 0, destinationPartition: 2, rowWidth: 2, values: new BigUint64Array([1n, 2n]) },
  ];
  const bytes = encodeFrame(header, batches);

  it('wrong identifier, short input and a non-Uint8Array: E_FRAME_CORRUPT naming the identifier', () => {
    const other = bytes.slice();
    other.set(new TextEncoder().encode('NMG1'), 4);
    for (const input of [other, bytes.subarray(0, 7), new Uint8Array(0)]) {
      const error = errorOf(() => decodeFrame(input));
      expect(error.code).toBe(ErrorCode.FRAME_CORRUPT);
      expect(error.details.field).toBe('identifier');
    }
    expect(errorOf(() => decodeFrame([1, 2, 3] as unknown as Uint8Array)).code).toBe(ErrorCode.FRAME_CORRUPT);
    expect(FRAME_IDENTIFIER).toBe(String.fromCharCode(...bytes.subarray(4, 8)));
  });

  it('a flipped bit anywhere: E_FRAME_CORRUPT (the checksum covers header and payload)', () => {
    for (let i = 0; i < bytes.length; i++) {
      const flipped = bytes.slice();
      flipped[i]! ^= 1 << (i % 8);
      const error = errorOf(() => decodeFrame(flipped));
      expect(error.code, `byte ${i}`).toBe(ErrorCode.FRAME_CORRUPT);
    }
  });

  it('another format version behind a valid checksum: E_FRAME_UNSUPPORTED; a version-1 frame: corrupt, and said so', () => {
    const at = headerPosition(bytes);
    const later = bytes.slice();
    later[at] = FRAME_FORMAT_VERSION + 1;
    const error = errorOf(() => decodeFrame(reseal(later)));
    expect(error.code).toBe(ErrorCode.FRAME_UNSUPPORTED);
    expect(error.details.field).toBe('format_version');
    // a version-1 frame as that writer made it (one ids batch [1], workers 0 -> 1): its checksum lies
    // elsewhere, so it fails as corrupt, and the message says what it probably is
    const v1 = Uint8Array.from(
      Buffer.from(
        [
          '1c0000004e4d46311400240020001c00',
          '1800140013000c000800040014000000',
          '20000000010000000000000000000001',
          '0100000001000000b518ab5201000000',
          '01000000180000000000120014000000',
          '10000f00080000000000040012000000',
          '10000000010000000000000401000000',
          '0100000001000000',
        ].join(''),
        'hex',
      ),
    );
    expect(v1.length).toBe(120);
    const old = errorOf(() => decodeFrame(v1));
    expect(old.code).toBe(ErrorCode.FRAME_CORRUPT);
    expect(old.message).toMatch(/format version 1 frame\?/);
  });

  it('a frame from another run, superstep, phase, sender or for another destination: E_FRAME_UNEXPECTED naming the field', () => {
    const cases: [FrameExpectation, string][] = [
      [{ runChecksum: header.runChecksum + 1 }, 'run_checksum'],
      [{ superstep: header.superstep - 1 }, 'superstep'],
      [{ phase: header.phase + 1 }, 'phase'],
      [{ sourceWorker: 0 }, 'source_worker'],
      [{ destinationWorker: 2 }, 'destination_worker'],
    ];
    for (const [wanted, field] of cases) {
      const error = errorOf(() => decodeFrame(bytes, { ...header, ...wanted }));
      expect(error.code).toBe(ErrorCode.FRAME_UNEXPECTED);
      expect(error.details.field).toBe(field);
    }
    expect(decodeFrame(bytes, header).batches.length).toBe(4);
    // the route of a batch left out (it is the frame's workers) reads back as the frame's workers
    const own = encodeFrame(header, [{ kind: 'ids', sourcePartition: header.sourceWorker, destinationPartition: header.destinationWorker, ids: new Uint32Array([1]) }]);
    expect(decodeFrame(own).batches.map(plain)).toEqual([plain({ kind: 'ids', sourcePartition: 3, destinationPartition: 1, ids: new Uint32Array([1]) })]);
  });

  it('expect.listLength: dense counts must match the agreed list, ids must lie below it, unexpected routes rejected', () => {
    const lengths = new Map([['0>1', 3], ['2>1', 7], ['3>1', 6], ['0>2', 1]]);
    const agreed = (overrides: Record<string, number>) => (s: number, d: number) => overrides[`${s}>${d}`] ?? lengths.get(`${s}>${d}`) ?? -1;
    expect(decodeFrame(bytes, { listLength: agreed({}) }).batches.length).toBe(4);
    const cases: [Record<string, number>, string][] = [
      [{ '0>1': 4 }, 'batches[0].count'],
      [{ '2>1': 6 }, 'batches[1].ids'],
      [{ '3>1': 5 }, 'batches[2].ids'],
      [{ '0>2': -1 }, 'batches[3].destination_partition'],
    ];
    for (const [overrides, field] of cases) {
      const error = errorOf(() => decodeFrame(bytes, { listLength: agreed(overrides) }));
      expect(error.code).toBe(ErrorCode.FRAME_UNEXPECTED);
      expect(error.details.field).toBe(field);
    }
  });

  it('hostile lengths behind a valid checksum: E_FRAME_CORRUPT naming the vector, no huge allocation', () => {
    const targets: [number, number, string][] = [
      [-1, 0, 'more'],
      [0, FIELD.f64Values, 'batches[0].f64_values'],
      [1, FIELD.ids, 'batches[1].ids'],
      [1, FIELD.i32Values, 'batches[1].i32_values'],
      [2, FIELD.stepOffsets, 'batches[2].step_offsets'],
      [3, FIELD.u64Values, 'batches[3].u64_values'],
    ];
    for (const [batch, slot, field] of targets) {
      const at = vectorHeader(bytes, batch, slot);
      for (const huge of [0xffff_ffff, 0x8000_0000, 0x4000_0000, bytes.length]) {
        const error = errorOf(() => decodeFrame(reseal(patchU32(bytes, at, huge))));
        expect(error.code, `${field} = ${huge}`).toBe(ErrorCode.FRAME_CORRUPT);
        expect(error.details.field).toBe(field);
        expect(typeof error.details.offset).toBe('number');
      }
      // one element more or fewer: still inside the buffer, so the count check catches it
      const off = errorOf(() => decodeFrame(reseal(patchU32(bytes, at, new DataView(bytes.buffer).getUint32(at, true) + (batch === -1 ? 1 : -1)))));
      expect(off.code).toBe(ErrorCode.FRAME_CORRUPT);
    }
  });

  it('expect.only: a receiver decodes its own batches of a host frame; the others are left unread', () => {
    // batch 2 (spikes 3 -> 1) gets a hostile step_offsets length, resealed: only a reader of it fails
    const forged = reseal(patchU32(bytes, vectorHeader(bytes, 2, FIELD.stepOffsets), 0x4000_0000));
    expect(errorOf(() => decodeFrame(forged)).details.field).toBe('batches[2].step_offsets');
    const mine = decodeFrame(forged, { only: (source, destination) => destination === 1 && source !== 3 });
    expect(mine.batches.map(plain)).toEqual([batches[0]!, batches[1]!].map(expected));
    // a receiver with no batch in the frame gets none (the checksum still covered them all)
    expect(decodeFrame(bytes, { only: () => false }).batches).toEqual([]);
  });

  it('a batch with a codec this reader does not know, or an unknown kind: unsupported / corrupt', () => {
    // Built with the generated per-element builders: an independent writer of the same schema.
    // (its second batch, in `more`: the independent writer names every field of the route)
    const build = (kind: number, codec: number): Uint8Array => {
      const builder = new flatbuffers.Builder(256);
      const encoded = Batch.createEncodedVector(builder, [1, 2, 3]);
      const values = Batch.createF64ValuesVector(builder, [1, 2]);
      const batch = Batch.createBatch(builder, codec === 0 ? 0 : encoded, kind, 0, 0, 0, 1, 2, codec, 0, 0, codec === 0 ? values : 0, 0, 0);
      const list = Frame.createMoreVector(builder, [batch]);
      const own = Frame.createIdsVector(builder, [0]);
      Frame.startFrame(builder);
      Frame.addHeader(builder, Header.createHeader(builder, FRAME_FORMAT_VERSION, header.phase, header.sourceWorker, header.destinationWorker, 0, header.runChecksum, header.superstep));
      Frame.addKind(builder, BatchKind.IdsOnly);
      Frame.addCount(builder, 1);
      Frame.addCodec(builder, Codec.None);
      Frame.addIds(builder, own);
      Frame.addMore(builder, list);
      builder.finish(Frame.endFrame(builder), FRAME_IDENTIFIER);
      return reseal(builder.asUint8Array().slice());
    };
    const plainF64 = decodeFrame(build(BatchKind.ValuesF64, 0));
    expect(plainF64.batches.map(plain)).toEqual([
      plain({ kind: 'ids', sourcePartition: header.sourceWorker, destinationPartition: header.destinationWorker, ids: new Uint32Array([0]) }),
      plain({ kind: 'values-f64', sourcePartition: 0, destinationPartition: 1, values: new Float64Array([1, 2]), ids: null }),
    ]);
    const codec = errorOf(() => decodeFrame(build(BatchKind.ValuesF64, 1)));
    expect(codec.code).toBe(ErrorCode.FRAME_UNSUPPORTED);
    expect(codec.details.field).toBe('batches[1].codec');
    // codec Parts without the receiver's codecs: unsupported here, not misread
    const parts = errorOf(() => decodeFrame(build(BatchKind.ValuesF64, Codec.Parts)));
    expect([parts.code, parts.details.field]).toEqual([ErrorCode.FRAME_UNSUPPORTED, 'batches[1].codec']);
    const kind = errorOf(() => decodeFrame(build(9, 0)));
    expect(kind.code).toBe(ErrorCode.FRAME_CORRUPT);
    expect(kind.details.field).toBe('batches[1].kind');
    // a value vector that does not belong to the kind
    expect(errorOf(() => decodeFrame(build(BatchKind.IdsOnly, 0))).code).toBe(ErrorCode.FRAME_CORRUPT);
  });

  it('the generated readers see what encodeFrame wrote (schema and field slots agree)', () => {
    const frame = Frame.getRootAsFrame(new flatbuffers.ByteBuffer(bytes));
    expect(Frame.bufferHasIdentifier(new flatbuffers.ByteBuffer(bytes))).toBe(true);
    const head = frame.header()!;
    expect([head.formatVersion(), head.runChecksum(), head.superstep(), head.phase(), head.sourceWorker(), head.destinationWorker()]).toEqual([
      FRAME_FORMAT_VERSION,
      header.runChecksum,
      header.superstep,
      header.phase,
      header.sourceWorker,
      header.destinationWorker,
    ]);
    // the frame's own batch (0 -> 1, dense f64) inline, three more
    // its route 0 -> 1 differs from the frame's workers (3 -> 1): the source is written, the destination left out (2^32 - 1)
    expect([frame.kind(), frame.count(), frame.codec(), frame.sourcePartition(), frame.destinationPartition(), Array.from(frame.f64ValuesArray()!)]).toEqual([BatchKind.ValuesF64, 3, Codec.None, 0, 0xffff_ffff, [1, 2, 3]]);
    expect(frame.moreLength()).toBe(3);
    const second = frame.more(0)!;
    expect([second.sourcePartition(), second.kind(), second.count(), Array.from(second.i32ValuesArray()!), Array.from(second.idsArray()!)]).toEqual([2, BatchKind.ValuesI32, 2, [4, 5], [0, 6]]);
    const spikes = frame.more(1)!;
    expect([spikes.kind(), Array.from(spikes.stepOffsetsArray()!), Array.from(spikes.idsArray()!)]).toEqual([BatchKind.Spikes, [0, 1, 3], [2, 0, 5]]);
    const limbs = frame.more(2)!;
    expect([limbs.kind(), limbs.rowWidth(), limbs.u64ValuesLength(), limbs.u64Values(1)]).toEqual([BatchKind.LimbsU64, 2, 2, 2n]);
  });
});

describe('seeded fuzz', () => {
  const base = randomBatches(new Random(31), 12, 24);
  const bytes = encodeFrame(header, base);

  /** 1-3 edits: a changed byte, a truncation, an extension, an inserted byte, a u32 patched to a huge or plausible value, or garbage. */
  function mutate(random: Random): Uint8Array {
    let copy = bytes.slice();
    const edits = random.int(1, 3);
    for (let e = 0; e < edits; e++) {
      const at = random.int(0, Math.max(0, copy.length - 1));
      switch (random.int(0, 5)) {
        case 0:
          copy[at]! ^= random.int(1, 255);
          break;
        case 1:
          copy = copy.slice(0, at);
          break;
        case 2: {
          const tail = Uint8Array.from({ length: random.int(1, 16) }, () => random.int(0, 255));
          const longer = new Uint8Array(copy.length + tail.length);
          longer.set(copy);
          longer.set(tail, copy.length);
          copy = longer;
          break;
        }
        case 3: {
          const longer = new Uint8Array(copy.length + 1);
          longer.set(copy.subarray(0, at));
          longer[at] = random.int(0, 255);
          longer.set(copy.subarray(at), at + 1);
          copy = longer;
          break;
        }
        case 4:
          if (copy.length >= 4) {
            const word = Math.min(at & ~3, copy.length - 4);
            const value = random.pick([0xffff_ffff, 0x8000_0000, 0x7fff_ffff, copy.length, copy.length + 1, random.int(0, 64)]);
            new DataView(copy.buffer).setUint32(word, value, true);
          }
          break;
        default: {
          copy = Uint8Array.from({ length: random.int(0, 600) }, () => random.int(0, 255));
          if (copy.length >= 8 && random.chance(0.7)) copy.set(new TextEncoder().encode(FRAME_IDENTIFIER), 4);
        }
      }
    }
    return copy;
  }

  function same(a: Uint8Array, b: Uint8Array): boolean {
    return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
  }

  it('5,000 damaged frames: E_FRAME_CORRUPT whenever the bytes changed, never another exception', () => {
    const random = new Random(2026);
    let unchanged = 0;
    for (let trial = 0; trial < 5000; trial++) {
      const damaged = mutate(random);
      if (same(damaged, bytes)) {
        expect(decodeFrame(damaged).batches.map(plain)).toEqual(base.map(expected));
        unchanged++;
        continue;
      }
      const error = errorOf(() => decodeFrame(damaged));
      expect(error.code, `trial ${trial}`).toBe(ErrorCode.FRAME_CORRUPT);
    }
    expect(unchanged).toBeLessThan(100);
  });

  it('3,000 forged frames (checksum resealed after the damage): a TransportError or a frame that re-encodes to itself', () => {
    const random = new Random(404);
    let accepted = 0;
    let rejected = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const damaged = mutate(random);
      if (damaged.length < 8 || checksumPosition(damaged) < 0) continue;
      const forged = reseal(damaged);
      let decoded;
      try {
        decoded = decodeFrame(forged);
      } catch (error) {
        expect(error, `trial ${trial}: ${String(error)}`).toBeInstanceOf(TransportError);
        expect([ErrorCode.FRAME_CORRUPT, ErrorCode.FRAME_UNSUPPORTED]).toContain((error as TransportError).code);
        rejected++;
        continue;
      }
      accepted++;
      // Whatever is accepted obeys the wire contract: encodeFrame takes it and it decodes back to itself.
      const again = decodeFrame(encodeFrame(decoded, decoded.batches));
      expect(again.batches.map(plain)).toEqual(decoded.batches.map(plain));
    }
    // Most forgeries break the structure; some (a changed value, a changed header field) are sound frames.
    expect(rejected).toBeGreaterThan(1000);
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('encodeFrame refuses batches that break the wire contract (E_TRANSPORT)', () => {
  const route = { sourcePartition: 0, destinationPartition: 1 };
  const cases: [string, FrameHeader, MessageBatch[], string][] = [
    ['superstep -1', { ...header, superstep: -1 }, [], 'superstep'],
    ['superstep 2^32', { ...header, superstep: 2 ** 32 }, [], 'superstep'],
    ['run checksum 1.5', { ...header, runChecksum: 1.5 }, [], 'runChecksum'],
    ['phase 256', { ...header, phase: 256 }, [], 'phase'],
    ['worker 2^16 (16-bit)', { ...header, destinationWorker: 0x1_0000 }, [], 'destinationWorker'],
    ['no batches', header, [], 'batches'],
    ['partition 2^32 - 1 (reserved)', header, [{ kind: 'ids', sourcePartition: 0xffff_ffff, destinationPartition: 1, ids: new Uint32Array(0) }], 'batches[0].sourcePartition'],
    ['partition NaN', header, [{ kind: 'ids', sourcePartition: NaN, destinationPartition: 1, ids: new Uint32Array(0) }], 'batches[0].sourcePartition'],
    ['ids of another length', header, [{ kind: 'values-i32', ...route, values: new Int32Array(3), ids: new Uint32Array(2) }], 'batches[0].ids'],
    ['ids not Uint32Array', header, [{ kind: 'values-i32', ...route, values: new Int32Array(1), ids: new Int32Array(1) as unknown as Uint32Array }], 'batches[0].ids'],
    ['f64 values in an i32 batch', header, [{ kind: 'values-i32', ...route, values: new Float64Array(1) as unknown as Int32Array }], 'batches[0].values'],
    ['row width 0', header, [{ kind: 'limbs-u64', ...route, rowWidth: 0, values: new BigUint64Array(0) }], 'batches[0].rowWidth'],
    ['partial limb row', header, [{ kind: 'limbs-u64', ...route, rowWidth: 3, values: new BigUint64Array(4) }], 'batches[0].values'],
    ['step offsets decreasing', header, [{ kind: 'spikes', ...route, stepOffsets: new Uint32Array([0, 2, 1, 3]), ids: new Uint32Array(3) }], 'batches[0].stepOffsets'],
    ['step offsets not ending at the spike count', header, [{ kind: 'spikes', ...route, stepOffsets: new Uint32Array([0, 2]), ids: new Uint32Array(3) }], 'batches[0].stepOffsets'],
    ['no step offsets', header, [{ kind: 'spikes', ...route, stepOffsets: new Uint32Array(0), ids: new Uint32Array(0) }], 'batches[0].stepOffsets'],
    ['unknown kind', header, [{ kind: 'strings', ...route } as unknown as MessageBatch], 'batches[0].kind'],
  ];
  it.each(cases)('%s', (_, frameHeader, batches, field) => {
    const error = errorOf(() => encodeFrame(frameHeader, batches));
    expect(error.code).toBe(ErrorCode.TRANSPORT);
    expect(error.details.field).toBe(field);
  });
});

describe('across a worker_threads boundary', () => {
  interface Reply {
    answer?: Uint8Array;
    aligned?: boolean;
    batches?: number;
    error?: SerializedError;
  }

  /** Post one message to a fresh worker (test/exchange/frame-worker.mjs) and wait for its reply. */
  async function exchange(messages: { bytes: Uint8Array; expect: FrameExpectation; transfer?: boolean }[]): Promise<Reply[]> {
    const worker = new Worker(new URL('./frame-worker.mjs', import.meta.url));
    try {
      const replies: Reply[] = [];
      for (const message of messages) {
        const reply = new Promise<Reply>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        });
        worker.postMessage({ bytes: message.bytes, expect: message.expect }, message.transfer ? [message.bytes.buffer as ArrayBuffer] : []);
        replies.push(await reply);
      }
      return replies;
    } finally {
      await worker.terminate();
    }
  }

  it('a frame posted (cloned, transferred, unaligned) is decoded in the worker, and its answer decodes here', async () => {
    const batches = randomBatches(new Random(12), 30, 16);
    const bytes = encodeFrame(header, batches);
    const unaligned = new Uint8Array(bytes.length + 3);
    unaligned.set(bytes, 3);
    const expectation: FrameExpectation = { runChecksum: header.runChecksum, superstep: header.superstep, destinationWorker: header.destinationWorker };
    const damaged = bytes.slice();
    damaged[bytes.length >> 1]! ^= 0x10;
    const replies = await exchange([
      { bytes, expect: expectation },
      { bytes: unaligned.subarray(3), expect: expectation },
      { bytes: bytes.slice(), expect: expectation, transfer: true },
      { bytes, expect: { ...expectation, superstep: header.superstep + 1 } },
      { bytes: damaged, expect: expectation },
    ]);

    // The worker negates the values it received and swaps the workers: check against the originals.
    const negated = batches.map((batch): MessageBatch => {
      if (batch.kind === 'values-f64') return { ...batch, values: batch.values.map((v) => -v) };
      if (batch.kind === 'values-i32') return { ...batch, values: batch.values.map((v) => -v) };
      return batch;
    });
    for (const reply of replies.slice(0, 3)) {
      expect(reply.error).toBeUndefined();
      expect(reply.batches).toBe(30);
      const answer = decodeFrame(reply.answer!, { sourceWorker: header.destinationWorker, destinationWorker: header.sourceWorker, superstep: header.superstep });
      expect(answer.batches.map(plain)).toEqual(negated.map(expected));
    }
    // Structured clone copies a view's whole ArrayBuffer and keeps its offset: the subarray arrives
    // unaligned, so the worker's decode took the aligned-copy path.
    expect(replies[1]!.aligned).toBe(false);
    expect(replies[0]!.aligned).toBe(true);
    const stale = fromSerialized(replies[3]!.error!);
    expect(stale).toBeInstanceOf(TransportError);
    expect([stale.code, stale.details.field]).toEqual([ErrorCode.FRAME_UNEXPECTED, 'superstep']);
    expect(fromSerialized(replies[4]!.error!).code).toBe(ErrorCode.FRAME_CORRUPT);
  });
});
