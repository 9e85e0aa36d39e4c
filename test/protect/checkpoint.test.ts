/**
 * Checkpoint format (src/protect/checkpoint.ts, schemas/checkpoint.fbs; issue 6 item 1 and the
 * corrupt-checkpoint rule): a realistic checkpoint (several partitions, every element type,
 * over 1 MB) survives the round trip bit for bit; every flipped bit, every truncation, a wrong
 * identifier or version, a checkpoint of another run, and content forged behind a valid checksum
 * is a CheckpointCorruptError with the right code and field, never another exception.
 */
import { describe, expect, it } from 'vitest';
import * as flatbuffers from 'flatbuffers';
import { CheckpointCorruptError, ErrorCode, OptionsError } from '../../src/errors.js';
import { checksumOf, fieldPosition } from '../../src/flatbuffers.js';
import {
  CHECKPOINT_FORMAT_VERSION,
  CheckpointScratch,
  decodeCheckpoint,
  encodeCheckpoint,
  readCheckpointHeader,
  type Checkpoint,
  type RegionData,
} from '../../src/protect/checkpoint.js';
import {
  Checkpoint as CheckpointTable,
  ElementType,
  Partition as PartitionTable,
  Region as RegionTable,
} from '../../src/generated/checkpoint_generated.js';
import { Random } from '../helpers/random.js';

const identity = { runId: 'run-7f3a', algorithm: 'pagerank', planChecksum: 0x9e37_79b9, workerCount: 4, partitionCount: 5 };

/** A region of `length` random elements of each element type, from raw random bytes. */
function randomRegion(random: Random, type: number, length: number): RegionData {
  const Types = [Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, BigUint64Array, BigInt64Array, Float32Array, Float64Array] as const;
  const Type = Types[type]!;
  const raw = new Uint8Array(length * Type.BYTES_PER_ELEMENT);
  for (let i = 0; i < raw.length; i++) raw[i] = random.u32() & 0xff;
  return new Type(raw.buffer, 0, length) as RegionData;
}

/** A checkpoint like the runtime's: partitions 0, 1, 3, 4 (a subset is allowed), every type. */
function realistic(random: Random, scale: number): Checkpoint {
  return {
    ...identity,
    superstep: 1234,
    partitions: [0, 1, 3, 4].map((partition) => ({
      partition,
      regions: Array.from({ length: 10 }, (_, type) => ({ name: `region-${type}-ä`, data: randomRegion(random, type, random.int(0, scale)) })),
    })),
    aggregators: [
      { name: 'dangling', value: -0 },
      { name: 'delta', value: 5e-324 },
      { name: 'infinite', value: -Infinity },
      { name: 'limbs', bytes: randomRegion(random, 0, 40) as Uint8Array },
    ],
    messages: [
      { sourcePartition: 0, destinationPartition: 4, channel: 'spikes', data: randomRegion(random, 0, 1000) as Uint8Array },
      { sourcePartition: 4, destinationPartition: 0, data: new Uint8Array(0) },
    ],
    settings: { damping: 0.85, iterations: 20, name: 'ä → b', exact: true },
  };
}

function small(): Checkpoint {
  return {
    ...identity,
    superstep: 3,
    partitions: [
      { partition: 0, regions: [{ name: 'scores', data: new Float64Array([0.25, -0]) }, { name: 'flags', data: new Uint8Array([1, 0, 1]) }] },
      { partition: 2, regions: [{ name: 'labels', data: new Int32Array([-1, 7]) }] },
    ],
    aggregators: [{ name: 'mass', value: 0.5 }, { name: 'bits', bytes: new Uint8Array([1, 2]) }],
    messages: [{ sourcePartition: 2, destinationPartition: 0, channel: 'c', data: new Uint8Array([9, 8, 7]) }],
    settings: { damping: 0.85 },
  };
}

const hexOf = (data: ArrayBufferView): string => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex');

function errorOf(run: () => unknown): CheckpointCorruptError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointCorruptError);
    return error as CheckpointCorruptError;
  }
  throw new Error('expected a CheckpointCorruptError, nothing was thrown');
}

/** Recompute the checksum after a deliberate change, so that the checks behind it are reached. */
function reseal(bytes: Uint8Array): Uint8Array {
  const at = fieldPosition(bytes, 6);
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, checksumOf(bytes, at), true);
  return bytes;
}

describe('checkpoint round trip', () => {
  it('a realistic checkpoint (4 partitions x 10 element types, over 1 MB) is bit-exact', () => {
    const random = new Random(61);
    const checkpoint = realistic(random, 20_000);
    const bytes = encodeCheckpoint(checkpoint);
    expect(bytes.length).toBeGreaterThan(1 << 20);
    expect(bytes.byteOffset % 8).toBe(0);
    const decoded = decodeCheckpoint(bytes, { ...identity, superstep: 1234, allPartitions: false });
    expect({ ...decoded, partitions: null, aggregators: null, messages: null, settings: null }).toEqual({
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      ...identity,
      superstep: 1234,
      byteLength: bytes.length,
      partitions: null,
      aggregators: null,
      messages: null,
      settings: null,
    });
    expect(decoded.partitions.map((part) => part.partition)).toEqual([0, 1, 3, 4]);
    const types = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'f32', 'f64'];
    decoded.partitions.forEach((part, p) => {
      part.regions.forEach((region, r) => {
        const original = checkpoint.partitions[p]!.regions[r]!;
        expect(region.name).toBe(original.name);
        expect(region.elementType).toBe(types[r]);
        expect(region.data.constructor).toBe(original.data.constructor);
        expect(hexOf(region.data)).toBe(hexOf(original.data));
      });
    });
    expect(Object.is((decoded.aggregators[0] as { value: number }).value, -0)).toBe(true);
    expect((decoded.aggregators[1] as { value: number }).value).toBe(5e-324);
    expect((decoded.aggregators[2] as { value: number }).value).toBe(-Infinity);
    expect(hexOf((decoded.aggregators[3] as { bytes: Uint8Array }).bytes)).toBe(hexOf((checkpoint.aggregators![3] as { bytes: Uint8Array }).bytes));
    expect(decoded.messages.map((m) => [m.sourcePartition, m.destinationPartition, m.channel, hexOf(m.data)])).toEqual(
      checkpoint.messages!.map((m) => [m.sourcePartition, m.destinationPartition, m.channel ?? '', hexOf(m.data)]),
    );
    expect({ ...decoded.settings }).toEqual(checkpoint.settings);
  });

  it('regions that are views of a shared WebAssembly memory are copied when encodeCheckpoint returns', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const state = new Float64Array(memory.buffer, 4096, 100).map((_, i) => i * 0.5);
    const bytes = encodeCheckpoint({ ...identity, superstep: 9, partitions: [{ partition: 0, regions: [{ name: 'state', data: state }] }] });
    state.fill(-1); // the workers run on
    const data = decodeCheckpoint(bytes).partitions[0]!.regions[0]!.data as Float64Array;
    expect(Array.from(data.subarray(0, 4))).toEqual([0, 0.5, 1, 1.5]);
    expect(data[99]).toBe(49.5);
  });

  it('a reused scratch buffer gives exactly the bytes of a fresh encode, whatever it held before', () => {
    const random = new Random(5);
    const scratch = new CheckpointScratch();
    const large = realistic(random, 2000);
    const first = encodeCheckpoint(large, scratch);
    expect(Buffer.compare(first, encodeCheckpoint(large))).toBe(0);
    // A smaller checkpoint lands in the same (now dirty) buffer, then a large one again.
    for (const checkpoint of [small(), realistic(random, 1000), small()]) {
      const reused = encodeCheckpoint(checkpoint, scratch);
      expect(reused.buffer).toBe(first.buffer);
      expect(reused.byteOffset % 8).toBe(0);
      expect(Buffer.compare(reused, encodeCheckpoint(checkpoint))).toBe(0);
      expect(decodeCheckpoint(reused).superstep).toBe(checkpoint.superstep);
    }
    // One that does not fit grows the scratch.
    const grown = encodeCheckpoint(realistic(random, 40_000), scratch);
    expect(grown.buffer).not.toBe(first.buffer);
    expect(encodeCheckpoint(small(), scratch).buffer).toBe(grown.buffer);
  });

  it('unaligned input (a Node Buffer at an odd offset) decodes to the same values', () => {
    const bytes = encodeCheckpoint(small());
    const host = Buffer.alloc(bytes.length + 3);
    host.set(bytes, 3);
    const decoded = decodeCheckpoint(host.subarray(3));
    expect(Array.from(decoded.partitions[1]!.regions[0]!.data as Int32Array)).toEqual([-1, 7]);
    expect(Object.is((decoded.partitions[0]!.regions[0]!.data as Float64Array)[1], -0)).toBe(true);
  });

  it('the generated readers see what encodeCheckpoint wrote (schema and field slots agree)', () => {
    const bytes = encodeCheckpoint(small());
    const root = CheckpointTable.getRootAsCheckpoint(new flatbuffers.ByteBuffer(bytes));
    expect(CheckpointTable.bufferHasIdentifier(new flatbuffers.ByteBuffer(bytes))).toBe(true);
    expect([root.formatVersion(), root.runId(), root.algorithm(), root.superstep(), root.planChecksum(), root.workerCount(), root.partitionCount()]).toEqual([
      CHECKPOINT_FORMAT_VERSION, identity.runId, identity.algorithm, 3, identity.planChecksum, identity.workerCount, identity.partitionCount,
    ]);
    const region = root.partitions(1)!.regions(0)!;
    expect([root.partitions(1)!.index(), region.name(), region.elementType()]).toEqual([2, 'labels', ElementType.I32]);
    expect(Array.from(region.i32ValuesArray()!)).toEqual([-1, 7]);
    expect(root.partitions(0)!.regions(0)!.f64ValuesLength()).toBe(2);
    expect(root.messages(0)!.channel()).toBe('c');
    expect(JSON.parse(root.settings()!)).toEqual({ damping: 0.85 });
    expect(readCheckpointHeader(bytes)).toEqual({ formatVersion: CHECKPOINT_FORMAT_VERSION, ...identity, superstep: 3 });
  });

  it('empty partitions list, empty regions and no aggregators or messages round-trip', () => {
    const bytes = encodeCheckpoint({ ...identity, superstep: 0, partitions: [{ partition: 4, regions: [{ name: 'x', data: new Float64Array(0) }] }] });
    const decoded = decodeCheckpoint(bytes);
    expect(decoded.partitions[0]!.regions[0]!.data.length).toBe(0);
    expect([decoded.aggregators, decoded.messages, { ...decoded.settings }]).toEqual([[], [], {}]);
    expect(decodeCheckpoint(encodeCheckpoint({ ...identity, superstep: 1, partitions: [] })).partitions).toEqual([]);
  });

  it('encoding refuses what it could not write faithfully: an OptionsError naming the field', () => {
    const base = small();
    const refused = (change: Partial<Checkpoint>, option: string): void => {
      try {
        encodeCheckpoint({ ...base, ...change });
      } catch (error) {
        expect(error).toBeInstanceOf(OptionsError);
        expect((error as OptionsError).option).toBe(option);
        return;
      }
      throw new Error(`expected an OptionsError for ${option}`);
    };
    const region = (name: string, data: unknown) => ({ partition: 0, regions: [{ name, data: data as RegionData }] });
    refused({ partitions: [{ partition: 0, regions: [{ name: 'a', data: new Uint8Array(1) }, { name: 'a', data: new Uint8Array(1) }] }] }, 'checkpoint.partitions[0].regions[1].name');
    refused({ partitions: [region('', new Uint8Array(1))] }, 'checkpoint.partitions[0].regions[0].name');
    refused({ partitions: [region('x'.repeat(256), new Uint8Array(1))] }, 'checkpoint.partitions[0].regions[0].name');
    refused({ partitions: [region('c', new Uint8ClampedArray(1))] }, 'checkpoint.partitions[0].regions[0].data');
    refused({ partitions: [region('c', [1, 2])] }, 'checkpoint.partitions[0].regions[0].data');
    refused({ partitions: [{ partition: 2, regions: [] }, { partition: 1, regions: [] }] }, 'checkpoint.partitions[1].partition');
    refused({ partitions: [{ partition: 5, regions: [] }] }, 'checkpoint.partitions[0].partition');
    refused({ superstep: -1 }, 'checkpoint.superstep');
    refused({ planChecksum: 2 ** 32 }, 'checkpoint.planChecksum');
    refused({ workerCount: 0 }, 'checkpoint.workerCount');
    refused({ aggregators: [{ name: 'a', value: 1 }, { name: 'a', value: 2 }] }, 'checkpoint.aggregators[1].name');
    refused({ messages: [{ sourcePartition: 0, destinationPartition: 5, data: new Uint8Array(0) }] }, 'checkpoint.messages[0].destinationPartition');
    refused({ settings: { rate: Number.NaN } }, 'checkpoint.settings.rate');
    refused({ settings: { nested: {} as unknown as string } }, 'checkpoint.settings.nested');
  });
});

describe('corrupt checkpoints', () => {
  const good = encodeCheckpoint(small());

  it('every flipped bit of a small checkpoint: E_CHECKPOINT_CORRUPT', () => {
    const codes = new Set<string>();
    for (let at = 0; at < good.length; at++) {
      for (let bit = 0; bit < 8; bit++) {
        const bytes = good.slice();
        bytes[at]! ^= 1 << bit;
        codes.add(errorOf(() => decodeCheckpoint(bytes, identity)).code);
      }
    }
    expect([...codes]).toEqual([ErrorCode.CHECKPOINT_CORRUPT]);
  });

  it('truncated at every length: E_CHECKPOINT_CORRUPT', () => {
    for (let length = 0; length < good.length; length++) {
      expect(errorOf(() => decodeCheckpoint(good.slice(0, length))).code).toBe(ErrorCode.CHECKPOINT_CORRUPT);
    }
    // Bytes appended after a sound checkpoint also change what the checksum covers.
    const longer = new Uint8Array(good.length + 8);
    longer.set(good);
    expect(errorOf(() => decodeCheckpoint(longer)).details.field).toBe('checksum');
  });

  it('wrong identifier (a message frame, a graph snapshot) and non-bytes: E_CHECKPOINT_CORRUPT naming the identifier', () => {
    const bytes = good.slice();
    bytes.set([0x4e, 0x4d, 0x46, 0x31], 4); // "NMF1"
    const error = errorOf(() => decodeCheckpoint(bytes));
    expect([error.code, error.details.field, error.details.offset]).toEqual([ErrorCode.CHECKPOINT_CORRUPT, 'identifier', 4]);
    expect(errorOf(() => decodeCheckpoint('NMC1' as unknown as Uint8Array)).details.field).toBe('bytes');
  });

  it('another format version behind a valid checksum: E_CHECKPOINT_UNSUPPORTED', () => {
    const bytes = good.slice();
    new DataView(bytes.buffer).setUint32(fieldPosition(bytes, 4), CHECKPOINT_FORMAT_VERSION + 1, true);
    const error = errorOf(() => decodeCheckpoint(reseal(bytes)));
    expect([error.code, error.details.field]).toEqual([ErrorCode.CHECKPOINT_UNSUPPORTED, 'format_version']);
  });

  it('a sound checkpoint of another run: E_CHECKPOINT_MISMATCH naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ planChecksum: 0x1234_5678 }, 'plan_checksum'],
      [{ algorithm: 'sssp' }, 'algorithm'],
      [{ workerCount: 3 }, 'worker_count'],
      [{ partitionCount: 4 }, 'partition_count'],
      [{ runId: 'run-other' }, 'run_id'],
      [{ superstep: 4 }, 'superstep'],
      [{ allPartitions: true }, 'partitions'],
    ];
    for (const [expectation, field] of cases) {
      const error = errorOf(() => decodeCheckpoint(good, { ...identity, ...expectation }));
      expect([error.code, error.details.field]).toEqual([ErrorCode.CHECKPOINT_MISMATCH, field]);
    }
    expect(decodeCheckpoint(good, { ...identity, superstep: 3 }).superstep).toBe(3);
  });

  /** A checkpoint built by hand with the generated builders, sealed with a valid checksum. */
  function forge(build: (builder: flatbuffers.Builder) => { partitions: number; settings?: string; partitionCount?: number }, patch?: (bytes: Uint8Array, builder: flatbuffers.Builder) => void): Uint8Array {
    const builder = new flatbuffers.Builder(256);
    builder.forceDefaults(true);
    const { partitions, settings = '{}', partitionCount = 5 } = build(builder);
    const runId = builder.createString('r');
    const algorithm = builder.createString('bfs');
    const settingsOffset = builder.createString(settings);
    CheckpointTable.startCheckpoint(builder);
    CheckpointTable.addFormatVersion(builder, CHECKPOINT_FORMAT_VERSION);
    CheckpointTable.addChecksum(builder, 0);
    CheckpointTable.addRunId(builder, runId);
    CheckpointTable.addAlgorithm(builder, algorithm);
    CheckpointTable.addSuperstep(builder, 1);
    CheckpointTable.addPlanChecksum(builder, 2);
    CheckpointTable.addWorkerCount(builder, 1);
    CheckpointTable.addPartitionCount(builder, partitionCount);
    CheckpointTable.addPartitions(builder, partitions);
    CheckpointTable.addSettings(builder, settingsOffset);
    CheckpointTable.finishCheckpointBuffer(builder, CheckpointTable.endCheckpoint(builder));
    const bytes = builder.asUint8Array().slice();
    patch?.(bytes, builder);
    return reseal(bytes);
  }
  /** One partition with one region whose vectors the caller adds. */
  function partitionWith(builder: flatbuffers.Builder, type: ElementType, addVectors: (builder: flatbuffers.Builder) => void, name = 'r', index = 0): number {
    const nameOffset = builder.createString(name);
    RegionTable.startRegion(builder);
    RegionTable.addName(builder, nameOffset);
    RegionTable.addElementType(builder, type);
    addVectors(builder);
    const region = RegionTable.endRegion(builder);
    const regions = PartitionTable.createRegionsVector(builder, [region]);
    return PartitionTable.createPartition(builder, index, regions);
  }
  const expectCorrupt = (bytes: Uint8Array, field: string): void => {
    const error = errorOf(() => decodeCheckpoint(bytes));
    expect([error.code, error.details.field]).toEqual([ErrorCode.CHECKPOINT_CORRUPT, field]);
  };

  it('the forge builds a checkpoint that decodes (so the cases below fail for their one defect)', () => {
    const bytes = forge((b) => {
      const values = RegionTable.createF64ValuesVector(b, new Float64Array([1, 2]));
      const part = partitionWith(b, ElementType.F64, (bb) => RegionTable.addF64Values(bb, values));
      return { partitions: CheckpointTable.createPartitionsVector(b, [part]) };
    });
    expect(Array.from(decodeCheckpoint(bytes).partitions[0]!.regions[0]!.data as Float64Array)).toEqual([1, 2]);
  });

  it('forged content behind a valid checksum: E_CHECKPOINT_CORRUPT naming the field', () => {
    // A region of element type f64 whose data is an i32 vector: the stray vector is named.
    expectCorrupt(
      forge((b) => {
        const values = RegionTable.createI32ValuesVector(b, new Int32Array([1]));
        const part = partitionWith(b, ElementType.F64, (bb) => RegionTable.addI32Values(bb, values));
        return { partitions: CheckpointTable.createPartitionsVector(b, [part]) };
      }),
      'partitions[0].regions[0].i32_values',
    );
    // A region of element type f64 with no vector at all.
    expectCorrupt(
      forge((b) => ({ partitions: CheckpointTable.createPartitionsVector(b, [partitionWith(b, ElementType.F64, () => undefined)]) })),
      'partitions[0].regions[0].f64_values',
    );
    // Two vectors in one region.
    expectCorrupt(
      forge((b) => {
        const f64 = RegionTable.createF64ValuesVector(b, new Float64Array([1]));
        const u8 = RegionTable.createU8ValuesVector(b, new Uint8Array([1]));
        const part = partitionWith(b, ElementType.F64, (bb) => {
          RegionTable.addF64Values(bb, f64);
          RegionTable.addU8Values(bb, u8);
        });
        return { partitions: CheckpointTable.createPartitionsVector(b, [part]) };
      }),
      'partitions[0].regions[0].u8_values',
    );
    // An element type this reader does not know.
    expectCorrupt(
      forge((b) => ({ partitions: CheckpointTable.createPartitionsVector(b, [partitionWith(b, 10 as ElementType, () => undefined)]) })),
      'partitions[0].regions[0].element_type',
    );
    // Partitions out of order, and beyond partition_count.
    expectCorrupt(
      forge((b) => {
        const u8 = () => RegionTable.createU8ValuesVector(b, new Uint8Array(0));
        const first = u8();
        const p2 = partitionWith(b, ElementType.U8, (bb) => RegionTable.addU8Values(bb, first), 'a', 2);
        const second = u8();
        const p1 = partitionWith(b, ElementType.U8, (bb) => RegionTable.addU8Values(bb, second), 'a', 1);
        return { partitions: CheckpointTable.createPartitionsVector(b, [p2, p1]) };
      }),
      'partitions[1].index',
    );
    expectCorrupt(
      forge((b) => {
        const u8 = RegionTable.createU8ValuesVector(b, new Uint8Array(0));
        return { partitions: CheckpointTable.createPartitionsVector(b, [partitionWith(b, ElementType.U8, (bb) => RegionTable.addU8Values(bb, u8), 'a', 2)]), partitionCount: 2 };
      }),
      'partitions[0].index',
    );
    // Settings that are not a JSON object of plain values.
    for (const settings of ['{', '[1]', '{"a":{"b":1}}', '{"a":null}']) {
      expectCorrupt(forge((b) => ({ partitions: CheckpointTable.createPartitionsVector(b, []), settings })), 'settings');
    }
    // An empty region name.
    expectCorrupt(
      forge((b) => {
        const u8 = RegionTable.createU8ValuesVector(b, new Uint8Array(0));
        return { partitions: CheckpointTable.createPartitionsVector(b, [partitionWith(b, ElementType.U8, (bb) => RegionTable.addU8Values(bb, u8), '')]) };
      }),
      'partitions[0].regions[0].name',
    );
  });

  it('a hostile vector length behind a valid checksum: E_CHECKPOINT_CORRUPT, no huge allocation', () => {
    let vector = 0;
    const bytes = forge(
      (b) => {
        vector = RegionTable.createF64ValuesVector(b, new Float64Array([1, 2, 3]));
        const part = partitionWith(b, ElementType.F64, (bb) => RegionTable.addF64Values(bb, vector));
        return { partitions: CheckpointTable.createPartitionsVector(b, [part]) };
      },
      // Offsets from the builder count from the end of the finished buffer.
      (out) => new DataView(out.buffer).setUint32(out.length - vector, 0x7fff_ffff, true),
    );
    const error = errorOf(() => decodeCheckpoint(bytes));
    expect([error.code, error.details.field]).toEqual([ErrorCode.CHECKPOINT_CORRUPT, 'partitions[0].regions[0].f64_values']);
    expect(error.message).toMatch(/2147483647 elements runs past the end/);
  });

  it('3,000 forged checkpoints (random damage, checksum resealed): a CheckpointCorruptError or a sound decode, never another exception', () => {
    const random = new Random(7);
    const base = encodeCheckpoint(small());
    let rejected = 0;
    for (let round = 0; round < 3000; round++) {
      const bytes = base.slice();
      const changes = random.int(1, 4);
      for (let c = 0; c < changes; c++) {
        const at = random.int(0, bytes.length - 1);
        bytes[at] = random.chance(0.5) ? random.u32() & 0xff : bytes[at]! ^ (1 << random.int(0, 7));
      }
      const at = fieldPosition(bytes, 6);
      // When the damage moved the checksum field out of the buffer, the bytes stay unsealed.
      if (at >= 0 && at + 4 <= bytes.length) new DataView(bytes.buffer).setUint32(at, checksumOf(bytes, at), true);
      try {
        const decoded = decodeCheckpoint(bytes);
        // A sound decode only ever points inside the bytes it was given.
        for (const part of decoded.partitions) {
          for (const region of part.regions) {
            expect(region.data.buffer).toBe(bytes.buffer);
            expect(region.data.byteOffset + region.data.byteLength).toBeLessThanOrEqual(bytes.length);
          }
        }
      } catch (error) {
        expect(error).toBeInstanceOf(CheckpointCorruptError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(1000);
  });
});
