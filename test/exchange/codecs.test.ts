/**
 * Message codecs (src/exchange/codecs.ts, assembly/kernels/codec.ts; issue 5 item 5): every codec
 * round-trips exactly; the WebAssembly kernels give the same bytes as a plain TypeScript reference
 * written here from the format description (not from the kernels), and accept and reject exactly
 * the same inputs; the manager picks the codec the shape calls for; hostile input (truncated,
 * flipped, oversized, garbage) is a TransportError E_CODEC_CORRUPT, never another exception.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createHostSync, type WasmHost } from '../../src/index.js';
import { ErrorCode, OptionsError, TransportError } from '../../src/errors.js';
import { Codec, CompressionManager, COMPRESSION_THRESHOLD, type ValueArray } from '../../src/exchange/codecs.js';
import type { MessageBatch } from '../../src/exchange/frame.js';
import { Random } from '../helpers/random.js';

// --- the reference: plain TypeScript from the format table in codecs.ts ---

class Corrupt extends Error {}

function writeVarint(out: number[], value: number): void {
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
}

/** Reads one shortest-form LEB128 value below 2^32 at `at`; returns [value, next position]. */
function readVarint(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (at + i >= bytes.length) throw new Corrupt('truncated');
    const byte = bytes[at + i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) {
      if ((i > 0 && byte === 0) || value >= 2 ** 32) throw new Corrupt('overlong');
      return [value, at + i + 1];
    }
  }
  throw new Corrupt('overlong');
}

const zigzag = (v: number): number => ((v << 1) ^ (v >> 31)) >>> 0;
const unzigzag = (z: number): number => (z >>> 1) ^ -(z & 1);

const reference = {
  deltaVarint(ids: readonly number[]): Uint8Array {
    const out: number[] = [];
    let next = 0;
    for (const id of ids) {
      writeVarint(out, id - next);
      next = id + 1;
    }
    return Uint8Array.from(out);
  },
  deltaVarintDecode(bytes: Uint8Array, universe: number, capacity: number): number[] {
    const ids: number[] = [];
    let at = 0;
    let next = 0;
    while (at < bytes.length) {
      const [gap, after] = readVarint(bytes, at);
      at = after;
      const id = next + gap;
      if (id >= universe) throw new Corrupt('range');
      if (ids.length >= capacity) throw new Corrupt('capacity');
      ids.push(id);
      next = id + 1;
    }
    return ids;
  },
  bitmap(ids: readonly number[], universe: number): Uint8Array {
    const out = new Uint8Array(Math.floor((universe - 1) / 8) + 1);
    for (const id of ids) out[id >>> 3]! |= 1 << (id & 7);
    return out;
  },
  bitmapDecode(bytes: Uint8Array, universe: number, capacity: number): number[] {
    if (bytes.length !== Math.floor((universe - 1) / 8) + 1) throw new Corrupt('length');
    const ids: number[] = [];
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      if ((bytes[bit >>> 3]! >> (bit & 7)) & 1) {
        if (bit >= universe) throw new Corrupt('range');
        if (ids.length >= capacity) throw new Corrupt('capacity');
        ids.push(bit);
      }
    }
    return ids;
  },
  idRuns(ids: readonly number[]): Uint8Array {
    const out: number[] = [];
    let next = 0;
    for (let i = 0; i < ids.length; ) {
      let j = i + 1;
      while (j < ids.length && ids[j] === ids[j - 1]! + 1) j++;
      writeVarint(out, ids[i]! - next);
      writeVarint(out, j - i - 1);
      next = ids[j - 1]! + 2;
      i = j;
    }
    return Uint8Array.from(out);
  },
  idRunsDecode(bytes: Uint8Array, universe: number, capacity: number): number[] {
    const ids: number[] = [];
    let at = 0;
    let next = 0;
    while (at < bytes.length) {
      const [gap, after] = readVarint(bytes, at);
      const [extra, end] = readVarint(bytes, after);
      at = end;
      const start = next + gap;
      if (start + extra >= universe) throw new Corrupt('range');
      if (ids.length + extra + 1 > capacity) throw new Corrupt('capacity');
      for (let id = start; id <= start + extra; id++) ids.push(id);
      next = start + extra + 2;
    }
    return ids;
  },
  zigzagVarint(values: Int32Array): Uint8Array {
    const out: number[] = [];
    let previous = 0;
    for (const value of values) {
      writeVarint(out, zigzag((value - previous) | 0));
      previous = value;
    }
    return Uint8Array.from(out);
  },
  zigzagVarintDecode(bytes: Uint8Array, capacity: number): number[] {
    const values: number[] = [];
    let at = 0;
    let previous = 0;
    while (at < bytes.length) {
      const [z, after] = readVarint(bytes, at);
      at = after;
      if (values.length >= capacity) throw new Corrupt('capacity');
      previous = (previous + unzigzag(z)) | 0;
      values.push(previous);
    }
    return values;
  },
  runLength(values: Int32Array): Uint8Array {
    const out: number[] = [];
    let previous = 0;
    for (let i = 0; i < values.length; ) {
      let j = i + 1;
      while (j < values.length && values[j] === values[i]) j++;
      writeVarint(out, zigzag((values[i]! - previous) | 0));
      writeVarint(out, j - i - 1);
      previous = values[i]!;
      i = j;
    }
    return Uint8Array.from(out);
  },
  runLengthDecode(bytes: Uint8Array, capacity: number): number[] {
    const values: number[] = [];
    let at = 0;
    let previous = 0;
    while (at < bytes.length) {
      const [z, after] = readVarint(bytes, at);
      const [extra, end] = readVarint(bytes, after);
      at = end;
      if (values.length + extra + 1 > capacity) throw new Corrupt('capacity');
      previous = (previous + unzigzag(z)) | 0;
      for (let k = 0; k <= extra; k++) values.push(previous);
    }
    return values;
  },
};

type IdCodec = Codec.DeltaVarint | Codec.Bitmap | Codec.IdRuns;
const ID_CODECS: IdCodec[] = [Codec.DeltaVarint, Codec.Bitmap, Codec.IdRuns];

function referenceIds(codec: IdCodec, ids: readonly number[], universe: number): Uint8Array {
  return codec === Codec.DeltaVarint ? reference.deltaVarint(ids) : codec === Codec.Bitmap ? reference.bitmap(ids, universe) : reference.idRuns(ids);
}

/** The reference decoder's answer: the ids, or 'corrupt'. */
function referenceDecodeIds(codec: IdCodec, bytes: Uint8Array, universe: number, capacity: number): number[] | 'corrupt' {
  try {
    if (codec === Codec.DeltaVarint) return reference.deltaVarintDecode(bytes, universe, capacity);
    if (codec === Codec.Bitmap) return reference.bitmapDecode(bytes, universe, capacity);
    return reference.idRunsDecode(bytes, universe, capacity);
  } catch (error) {
    if (error instanceof Corrupt) return 'corrupt';
    throw error;
  }
}

/** The manager's answer in the same form; any failure but E_CODEC_CORRUPT fails the test. */
function managerDecodeIds(manager: CompressionManager, codec: number, bytes: Uint8Array, universe: number, capacity: number): number[] | 'corrupt' {
  try {
    return [...manager.decodeIds(codec, bytes, universe, capacity)];
  } catch (error) {
    if (error instanceof TransportError && error.code === ErrorCode.CODEC_CORRUPT) return 'corrupt';
    throw error;
  }
}

// --- inputs ---

/** A strictly ascending id set over [0, universe) of one of the shapes the runtime sends. */
function drawIds(random: Random, universe: number, shape: 'sparse' | 'dense' | 'runs' | 'all' | 'edges' | 'empty' | 'one'): number[] {
  const ids: number[] = [];
  switch (shape) {
    case 'empty':
      return ids;
    case 'one':
      return [random.int(0, universe - 1)];
    case 'all':
      return Array.from({ length: universe }, (_, i) => i);
    case 'edges':
      return universe === 1 ? [0] : [0, universe - 1];
    case 'sparse':
    case 'dense': {
      const p = shape === 'sparse' ? 0.01 + random.float() * 0.03 : 0.2 + random.float() * 0.7;
      for (let id = 0; id < universe; id++) if (random.chance(p)) ids.push(id);
      return ids;
    }
    case 'runs': {
      for (let id = random.int(0, 5); id < universe; ) {
        const length = random.int(1, 200);
        for (let k = 0; k < length && id < universe; k++) ids.push(id++);
        id += random.int(1, 300);
      }
      return ids;
    }
  }
}

const SHAPES = ['empty', 'one', 'edges', 'sparse', 'dense', 'runs', 'all'] as const;
const UNIVERSES = [1, 2, 7, 8, 9, 63, 64, 65, 1000, 4096, 20_011];

let host: WasmHost;
let manager: CompressionManager;

beforeAll(() => {
  host = createHostSync({ initialBytes: 32 * 1024 * 1024 });
  manager = CompressionManager.forHost(host, 1 << 18);
});

describe('id codecs', () => {
  it('round-trip every shape over universes at byte and word edges, with the reference bytes', () => {
    const random = new Random(0x1d5);
    let cases = 0;
    for (const universe of UNIVERSES) {
      for (const shape of SHAPES) {
        const ids = drawIds(random, universe, shape);
        const array = Uint32Array.from(ids);
        for (const codec of ID_CODECS) {
          const encoded = manager.encodeIdsAs(codec, array, universe);
          expect(encoded.codec).toBe(codec);
          expect(Buffer.from(encoded.bytes).toString('hex'), `${Codec[codec]} ${shape} U=${universe}`).toBe(Buffer.from(referenceIds(codec, ids, universe)).toString('hex'));
          expect([...manager.decodeIds(codec, encoded.bytes, universe, ids.length)]).toEqual(ids);
          cases++;
        }
        const chosen = manager.encodeIds(array, universe);
        expect([...manager.decodeIds(chosen.codec, chosen.bytes, universe)]).toEqual(ids);
      }
    }
    expect(cases).toBe(UNIVERSES.length * SHAPES.length * ID_CODECS.length);
  });

  it('carry ids up to 2^32 - 1 in a universe of 2^32 (delta varint, id runs, raw)', () => {
    const universe = 2 ** 32;
    const ids = [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 3, 2 ** 32 - 2, 2 ** 32 - 1];
    for (const codec of [Codec.None, Codec.DeltaVarint, Codec.IdRuns]) {
      const encoded = manager.encodeIdsAs(codec, Uint32Array.from(ids), universe);
      expect([...manager.decodeIds(codec, encoded.bytes, universe, 16)]).toEqual(ids);
    }
    // The largest gap takes the full five bytes.
    expect(manager.encodeIdsAs(Codec.DeltaVarint, Uint32Array.of(2 ** 32 - 1), universe).bytes).toEqual(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f));
  });

  it('refuse ids out of order or beyond the universe when encoding (E_TRANSPORT), for every codec', () => {
    for (const codec of [Codec.None, ...ID_CODECS]) {
      for (const [ids, universe] of [
        [[3, 3], 10],
        [[5, 4], 10],
        [[0, 10], 10],
        [[1, 2, 3], 2],
      ] as const) {
        expect(() => manager.encodeIdsAs(codec, Uint32Array.from(ids), universe), `${Codec[codec]} ${ids}`).toThrow(
          expect.objectContaining({ name: 'TransportError', code: ErrorCode.TRANSPORT }),
        );
      }
    }
  });

  it('the manager switches between sparse and dense codes by shape', () => {
    const universe = 100_000;
    const random = new Random(7);
    const pick = (ids: number[], u = universe) => manager.encodeIds(Uint32Array.from(ids), u).codec;
    // sparse: 1 in 200 -> gaps of one or two bytes, far below the 12.5 KB bitmap
    expect(pick(drawIds(random, universe, 'sparse').filter((_, i) => i % 4 === 0))).toBe(Codec.DeltaVarint);
    // dense: half the universe -> one bit per position beats a byte per id
    expect(pick(drawIds(new Random(8), universe, 'dense').filter(() => random.chance(0.6)))).toBe(Codec.Bitmap);
    // every position, and long runs -> a few bytes of runs
    const all = drawIds(random, universe, 'all');
    expect(pick(all)).toBe(Codec.IdRuns);
    expect(manager.encodeIds(Uint32Array.from(all), universe).bytes.length).toBeLessThanOrEqual(4);
    expect(pick(drawIds(random, universe, 'runs'))).toBe(Codec.IdRuns);
    // a few ids 2^28 apart: every gap needs 5 varint bytes, so raw 4-byte ids win
    expect(pick([1 << 28, 2 << 28, 3 << 28, 4 << 28], 2 ** 32)).toBe(Codec.None);
  });
});

describe('value codecs', () => {
  const random = new Random(0xbeef);
  const i32Cases: Record<string, Int32Array> = {
    empty: new Int32Array(0),
    one: Int32Array.of(-7),
    extremes: Int32Array.of(2 ** 31 - 1, -(2 ** 31), 0, -1, 2 ** 31 - 1, -(2 ** 31), -(2 ** 31)),
    random: Int32Array.from({ length: 3000 }, () => random.u32() | 0),
    levels: Int32Array.from({ length: 5000 }, (_, i) => Math.floor(i / 700)),
    distances: Int32Array.from({ length: 4000 }, () => random.int(0, 5000)),
    runs: Int32Array.from({ length: 6000 }, (_, i) => (Math.floor(i / 97) % 3 === 0 ? -1 : 12_345 + Math.floor(i / 300))),
  };

  it('i32: zigzag varint and run lengths round-trip with the reference bytes; raw and DEFLATE round-trip', () => {
    for (const [name, values] of Object.entries(i32Cases)) {
      const zig = manager.encodeValuesAs(Codec.ZigzagVarint, values);
      expect(Buffer.from(zig.bytes).equals(Buffer.from(reference.zigzagVarint(values))), name).toBe(true);
      const runs = manager.encodeValuesAs(Codec.RunLength, values);
      expect(Buffer.from(runs.bytes).equals(Buffer.from(reference.runLength(values))), name).toBe(true);
      for (const codec of [Codec.None, Codec.ZigzagVarint, Codec.RunLength, Codec.Deflate]) {
        const encoded = manager.encodeValuesAs(codec, values);
        expect(manager.decodeValues(codec, encoded.bytes, 'i32', values.length), `${name} ${Codec[codec]}`).toEqual(values);
      }
      const chosen = manager.encodeValues(values);
      expect(manager.decodeValues(chosen.codec, chosen.bytes, 'i32', values.length)).toEqual(values);
    }
  });

  it('f64 and u64 limbs round-trip bit for bit (NaN payloads, -0, subnormals, infinities)', () => {
    const bits = new BigUint64Array(4000);
    for (let i = 0; i < bits.length; i++) bits[i] = (BigInt(random.u32()) << 32n) | BigInt(random.u32());
    bits.set([0x7ff8_0000_dead_beefn, 0xfff0_0000_0000_0001n, 0x8000_0000_0000_0000n, 1n, 0x7ff0_0000_0000_0000n], 0);
    const doubles = new Float64Array(bits.buffer.slice(0));
    const contributions = Float64Array.from({ length: 5000 }, () => (1 / 100_000) * (0.5 + random.float()) / random.int(1, 40));
    const limbs = new BigInt64Array(Array.from({ length: 3 * 2000 }, () => BigInt(random.int(-1000, 1_000_000))));
    const asBytes = (array: ValueArray) => Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('hex');
    for (const [kind, values] of [
      ['f64', doubles],
      ['f64', contributions],
      ['f64', new Float64Array(0)],
      ['u64', bits],
      ['u64', limbs],
    ] as const) {
      for (const codec of [Codec.None, Codec.Deflate, Codec.ShuffleDeflate]) {
        const encoded = manager.encodeValuesAs(codec, values);
        expect(asBytes(manager.decodeValues(codec, encoded.bytes, kind, values.length))).toBe(asBytes(values));
      }
      const chosen = manager.encodeValues(values);
      expect(asBytes(manager.decodeValues(chosen.codec, chosen.bytes, kind, values.length))).toBe(asBytes(values));
    }
  });

  it('the manager picks run lengths for levels, varints for small values, DEFLATE only above the threshold', () => {
    expect(manager.encodeValues(i32Cases.levels!).codec).toBe(Codec.RunLength);
    expect(manager.encodeValues(i32Cases.distances!).codec).toBe(Codec.ZigzagVarint);
    expect(manager.encodeValues(i32Cases.random!).codec).toBe(Codec.None);
    const smooth = (n: number) => Float64Array.from({ length: n }, (_, i) => 1e-5 * (1 + (i % 17) / 64));
    // below the threshold: raw, even though DEFLATE would shrink it
    const small = smooth(Math.floor(COMPRESSION_THRESHOLD / 8) - 1);
    expect(manager.encodeValuesAs(Codec.Deflate, small).bytes.length).toBeLessThan(small.byteLength);
    expect(manager.encodeValues(small).codec).toBe(Codec.None);
    const large = smooth(4 * COMPRESSION_THRESHOLD);
    const chosen = manager.encodeValues(large);
    expect(chosen.codec).toBe(Codec.Deflate);
    expect(chosen.bytes.length).toBeLessThan(large.byteLength / 4);
  });
});

describe('hostile input', () => {
  const isCorrupt = (run: () => unknown) => {
    try {
      run();
      return false;
    } catch (error) {
      if (error instanceof TransportError && error.code === ErrorCode.CODEC_CORRUPT) return true;
      throw error;
    }
  };

  /** Damage: truncate, flip bits, set 0xff runs (huge varints), append, or replace by garbage. */
  function damage(random: Random, bytes: Uint8Array): Uint8Array {
    const out = Array.from(bytes);
    switch (random.int(0, 5)) {
      case 0:
        return Uint8Array.from(out.slice(0, random.int(0, Math.max(0, out.length - 1))));
      case 1:
        for (let k = random.int(1, 3); k > 0 && out.length > 0; k--) out[random.int(0, out.length - 1)]! ^= 1 << random.int(0, 7);
        return Uint8Array.from(out);
      case 2: {
        const at = random.int(0, out.length);
        out.splice(at, 0, ...Array.from({ length: random.int(1, 7) }, () => 0xff));
        return Uint8Array.from(out);
      }
      case 3:
        return Uint8Array.from([...out, ...Array.from({ length: random.int(1, 6) }, () => random.int(0, 255))]);
      case 4:
        // a huge run length or gap: 2^32 - 1 as a varint
        return Uint8Array.from([...out, random.int(0, 3), 0xff, 0xff, 0xff, 0xff, 0x0f]);
      default:
        return Uint8Array.from({ length: random.int(0, 40) }, () => random.int(0, 255));
    }
  }

  it('damaged id codes: the kernels accept and reject exactly what the reference does, with the same ids', () => {
    const random = new Random(0xfa11);
    let rejected = 0;
    let trials = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const universe = random.pick([1, 9, 64, 200, 5000]);
      const ids = drawIds(random, universe, random.pick(SHAPES));
      const codec = random.pick(ID_CODECS);
      const bytes = damage(random, referenceIds(codec, ids, universe));
      const capacity = random.chance(0.3) ? random.int(0, universe) : universe;
      const expected = referenceDecodeIds(codec, bytes, universe, capacity);
      // The manager's own length bound may reject earlier than the reference; never the reverse.
      const got = managerDecodeIds(manager, codec, bytes, universe, capacity);
      if (got === 'corrupt') {
        rejected++;
        if (expected !== 'corrupt') expect(bytes.length, `${Codec[codec]} ${Buffer.from(bytes).toString('hex')}`).toBeGreaterThan(5 * capacity);
      } else {
        expect(got, `${Codec[codec]} ${Buffer.from(bytes).toString('hex')} U=${universe} cap=${capacity}`).toEqual(expected);
      }
      trials++;
    }
    expect(trials).toBe(3000);
    expect(rejected).toBeGreaterThan(500);
  });

  it('damaged value codes and garbage of every codec: a decoded array of the agreed count or E_CODEC_CORRUPT', () => {
    const random = new Random(0xdead);
    const values = Int32Array.from({ length: 300 }, (_, i) => (i % 50 < 25 ? 4 : random.int(-3, 3000)));
    const doubles = Float64Array.from({ length: 600 }, () => random.float() / 1000);
    const sources: [Codec, Uint8Array, 'i32' | 'f64', number][] = [
      [Codec.ZigzagVarint, manager.encodeValuesAs(Codec.ZigzagVarint, values).bytes, 'i32', values.length],
      [Codec.RunLength, manager.encodeValuesAs(Codec.RunLength, values).bytes, 'i32', values.length],
      [Codec.Deflate, manager.encodeValuesAs(Codec.Deflate, values).bytes, 'i32', values.length],
      [Codec.None, manager.encodeValuesAs(Codec.None, values).bytes, 'i32', values.length],
      [Codec.ShuffleDeflate, manager.encodeValuesAs(Codec.ShuffleDeflate, doubles).bytes, 'f64', doubles.length],
      [Codec.Deflate, manager.encodeValuesAs(Codec.Deflate, doubles).bytes, 'f64', doubles.length],
    ];
    let rejected = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const [codec, good, kind, count] = random.pick(sources);
      const bytes = damage(random, good);
      let decoded: ValueArray | undefined;
      if (isCorrupt(() => (decoded = manager.decodeValues(codec, bytes, kind, count)))) rejected++;
      else {
        expect(decoded!.length).toBe(count);
        if (codec === Codec.ZigzagVarint) expect([...decoded!]).toEqual(reference.zigzagVarintDecode(bytes, count));
        if (codec === Codec.RunLength) expect([...decoded!]).toEqual(reference.runLengthDecode(bytes, count));
      }
    }
    expect(rejected).toBeGreaterThan(1500);
  });

  it('codes for the wrong part, bitmaps of the wrong size, huge claims: E_CODEC_CORRUPT naming the field', () => {
    const cases: [string, () => unknown][] = [
      ['values codec for ids', () => manager.decodeIds(Codec.RunLength, Uint8Array.of(0, 0), 10)],
      ['unknown codec', () => manager.decodeIds(200, Uint8Array.of(0), 10)],
      ['ids codec for values', () => manager.decodeValues(Codec.Bitmap, Uint8Array.of(1), 'i32', 1)],
      ['varint codec for doubles', () => manager.decodeValues(Codec.ZigzagVarint, Uint8Array.of(1), 'f64', 1)],
      ['short bitmap', () => manager.decodeIds(Codec.Bitmap, Uint8Array.of(1), 9)],
      ['bitmap past the universe', () => manager.decodeIds(Codec.Bitmap, Uint8Array.of(0, 2), 9)],
      ['bitmap above capacity', () => manager.decodeIds(Codec.Bitmap, Uint8Array.of(7), 8, 2)],
      ['ids over an empty universe', () => manager.decodeIds(Codec.DeltaVarint, Uint8Array.of(0), 0)],
      ['raw ids not ascending', () => manager.decodeIds(Codec.None, new Uint8Array(Uint32Array.of(5, 5).buffer), 10)],
      ['raw ids ragged', () => manager.decodeIds(Codec.None, Uint8Array.of(1, 0, 0), 10)],
      ['one run of 2^32 ids', () => manager.decodeIds(Codec.IdRuns, Uint8Array.of(0, 0xff, 0xff, 0xff, 0xff, 0x0f), 2 ** 32, 1000)],
      ['one run of 2^32 values', () => manager.decodeValues(Codec.RunLength, Uint8Array.of(2, 0xff, 0xff, 0xff, 0xff, 0x0f), 'i32', 1000)],
      ['six-byte varint', () => manager.decodeIds(Codec.DeltaVarint, Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x00), 2 ** 32, 1000)],
      ['non-shortest varint', () => manager.decodeIds(Codec.DeltaVarint, Uint8Array.of(0x81, 0x00), 100)],
      ['varint above 2^32', () => manager.decodeIds(Codec.DeltaVarint, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x1f), 2 ** 32, 1000)],
      ['gaps past 2^32', () => manager.decodeIds(Codec.DeltaVarint, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0x00), 2 ** 32, 1000)],
      ['too few values', () => manager.decodeValues(Codec.ZigzagVarint, Uint8Array.of(2, 4), 'i32', 3)],
      ['DEFLATE far longer than raw', () => manager.decodeValues(Codec.Deflate, new Uint8Array(100), 'f64', 2)],
      ['DEFLATE that expands past the count', () => manager.decodeValues(Codec.Deflate, manager.encodeValuesAs(Codec.Deflate, new Int32Array(1000)).bytes, 'i32', 999)],
      ['DEFLATE garbage', () => manager.decodeValues(Codec.ShuffleDeflate, Uint8Array.of(0xff, 0xff, 0xff), 'f64', 4)],
      ['more bytes than any code of the capacity', () => manager.decodeIds(Codec.DeltaVarint, new Uint8Array(51), 1000, 10)],
    ];
    for (const [name, run] of cases) {
      let caught: unknown;
      try {
        run();
      } catch (error) {
        caught = error;
      }
      expect(caught, name).toBeInstanceOf(TransportError);
      expect((caught as TransportError).code, name).toBe(ErrorCode.CODEC_CORRUPT);
      expect((caught as TransportError).details.field, name).toMatch(/^(ids|values)$/);
    }
  });

  it('a part larger than the manager was sized for is an OptionsError, not a corrupt batch', () => {
    const bytes = CompressionManager.scratchBytes(100);
    const small = new CompressionManager(host.exports, host.memory, { offset: host.arena.alloc(bytes), bytes });
    expect(small.maxElements).toBeGreaterThanOrEqual(100);
    expect(() => small.encodeIds(new Uint32Array(small.maxElements + 1).map((_, i) => i), 10 ** 6)).toThrow(OptionsError);
    expect(() => small.decodeIds(Codec.DeltaVarint, new Uint8Array(0), 10 ** 6)).toThrow(OptionsError);
  });
});

describe('whole batches (codec Parts)', () => {
  const random = new Random(0x9a27);
  const universe = 5000;
  const sparse = Uint32Array.from(drawIds(random, universe, 'sparse'));
  const route = { sourcePartition: 1, destinationPartition: 2 };
  const spikeIds: number[] = [];
  const stepOffsets = [0];
  for (let step = 0; step < 15; step++) {
    spikeIds.push(...drawIds(random, universe, 'sparse').slice(0, random.int(0, 40)));
    stepOffsets.push(spikeIds.length);
  }
  const batches: MessageBatch[] = [
    { ...route, kind: 'values-f64', values: Float64Array.from({ length: universe }, () => random.float() / universe) },
    { ...route, kind: 'values-f64', values: Float64Array.from(sparse, () => random.float()), ids: sparse },
    { ...route, kind: 'values-i32', values: Int32Array.from(sparse, (id) => id >> 6), ids: sparse },
    { ...route, kind: 'values-i32', values: new Int32Array(universe).fill(3) },
    { ...route, kind: 'limbs-u64', rowWidth: 3, values: BigUint64Array.from({ length: 3 * sparse.length }, (_, i) => BigInt(i % 3 === 2 ? 0 : random.u32())), ids: sparse },
    { ...route, kind: 'ids', ids: sparse },
    { ...route, kind: 'ids', ids: new Uint32Array(0) },
    { ...route, kind: 'spikes', ids: Uint32Array.from(spikeIds), stepOffsets: Uint32Array.from(stepOffsets) },
  ];
  const hex = (array: ArrayBufferView | null | undefined) => (array ? Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('hex') : null);
  const countOf = (batch: MessageBatch) => (batch.kind === 'limbs-u64' ? batch.values.length / batch.rowWidth : 'values' in batch ? batch.values.length : batch.ids.length);
  const rowWidthOf = (batch: MessageBatch) => (batch.kind === 'limbs-u64' ? batch.rowWidth : 1);

  it('every kind round-trips bit for bit; a payload is never more than its headers above the raw arrays', () => {
    for (const batch of batches) {
      const payload = manager.encodePayload(batch, universe);
      const decoded = manager.decodePayload(batch.kind, payload, countOf(batch), universe, rowWidthOf(batch));
      expect(hex(decoded.ids), batch.kind).toBe(batch.kind === 'ids' || batch.kind === 'spikes' || batch.ids ? hex(batch.ids) : null);
      expect(hex(decoded.values)).toBe('values' in batch ? hex(batch.values) : null);
      expect(hex(decoded.stepOffsets)).toBe(batch.kind === 'spikes' ? hex(batch.stepOffsets) : null);
      const raw = (batch.ids?.byteLength ?? 0) + ('values' in batch ? batch.values.byteLength : 0) + (batch.kind === 'spikes' ? batch.stepOffsets.byteLength : 0);
      // two parts, each at most 1 + 5 + 5 header bytes
      expect(payload.length).toBeLessThanOrEqual(raw + 22);
    }
    // 5000 equal values: one run; sparse ids with small values: well under a third of raw
    expect(manager.encodePayload(batches[3]!, universe).length).toBeLessThan(12);
    expect(manager.encodePayload(batches[2]!, universe).length).toBeLessThan((sparse.byteLength * 2) / 3);
  });

  it('payloadCount reads the element count from the part headers (frame format 2 carries no count for Parts)', () => {
    for (const batch of batches) expect(manager.payloadCount(batch.kind, manager.encodePayload(batch, universe), rowWidthOf(batch)), batch.kind).toBe(countOf(batch));
    const corrupt = (kind: MessageBatch['kind'], bytes: number[], rowWidth = 1) => {
      try {
        manager.payloadCount(kind, Uint8Array.from(bytes), rowWidth);
      } catch (error) {
        return (error as TransportError).code;
      }
      return 'accepted';
    };
    // a count beyond what the receiver decodes (2^32 - 1 elements), values that are not whole rows,
    // a batch with no parts, an id batch with its ids absent: E_CODEC_CORRUPT before anything is sized
    expect(corrupt('ids', [Codec.DeltaVarint, 0xff, 0xff, 0xff, 0xff, 0x0f, 0])).toBe(ErrorCode.CODEC_CORRUPT);
    expect(corrupt('limbs-u64', [0xff, Codec.None, 4, 32], 3)).toBe(ErrorCode.CODEC_CORRUPT);
    expect(corrupt('values-f64', [])).toBe(ErrorCode.CODEC_CORRUPT);
    expect(corrupt('ids', [0xff])).toBe(ErrorCode.CODEC_CORRUPT);
    expect(corrupt('values-i32', [0xff, 0xff])).toBe(ErrorCode.CODEC_CORRUPT);
  });

  it('damaged payloads: the same arrays or E_CODEC_CORRUPT, never another exception', () => {
    const damageRandom = new Random(0x5eed);
    let rejected = 0;
    for (let trial = 0; trial < 800; trial++) {
      const batch = damageRandom.pick(batches);
      const payload = Array.from(manager.encodePayload(batch, universe));
      const mode = damageRandom.int(0, 3);
      if (mode === 0) payload.length = damageRandom.int(0, payload.length - 1);
      else if (mode === 1) payload[damageRandom.int(0, Math.min(12, payload.length - 1))]! ^= 1 << damageRandom.int(0, 7);
      else if (mode === 2) payload[damageRandom.int(0, payload.length - 1)]! ^= 1 << damageRandom.int(0, 7);
      else payload.push(damageRandom.int(0, 255));
      try {
        const decoded = manager.decodePayload(batch.kind, Uint8Array.from(payload), countOf(batch), universe, rowWidthOf(batch));
        if (decoded.ids) expect(decoded.ids.length).toBe(countOf(batch));
      } catch (error) {
        expect(error).toBeInstanceOf(TransportError);
        expect((error as TransportError).code).toBe(ErrorCode.CODEC_CORRUPT);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(400);
  });
});
