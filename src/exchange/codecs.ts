/**
 * Message codecs and the CompressionManager that picks one per batch part (issue 5, item 5).
 *
 * A batch has up to two parts: ids (strictly ascending positions in the agreed send list, so a
 * set over the universe [0, list length)) and values (f64, i32 or rows of u64 limbs). Each part is
 * encoded on its own, and the codec ids are the frame's `Codec` enum (schemas/frame.fbs):
 *
 *   codec            part     bytes
 *   None (0)         any      the raw little-endian array
 *   DeltaVarint (1)  ids      LEB128 of each gap: the first id, then id - previous - 1
 *   Bitmap (2)       ids      (universe - 1) / 8 + 1 bytes, bit i of byte j = id 8j + i, spare bits 0
 *   IdRuns (3)       ids      per run of consecutive ids: LEB128 gap (start; then start - previous
 *                             end - 2), LEB128 length - 1
 *   ZigzagVarint (4) i32      LEB128 of zigzag(value - previous value), the first against 0
 *   RunLength (5)    i32      per run of equal values: LEB128 zigzag(value - previous run's value),
 *                             LEB128 length - 1
 *   Deflate (6)      values   raw DEFLATE (RFC 1951) of the raw bytes
 *   ShuffleDeflate (7) f64/u64 raw DEFLATE of the bytes transposed into 8 planes (byte b of
 *                             every element, then byte b + 1 ...): the sign, exponent and high
 *                             mantissa bytes of similar doubles line up (on PageRank contributions
 *                             it lost to plain DEFLATE: sent only when asked for)
 *   Parts (8)        batch    a whole batch, each part with its own codec (encodePayload)
 *
 * Varints are accepted only in their shortest form and below 2^32, so every part has exactly one
 * encoding. Choice (`encodeIds`, `encodeValues`): the smallest candidate, ties to the simpler
 * codec; the varint codecs run as WebAssembly kernels (assembly/kernels/codec.ts) in a scratch
 * region of the shared memory that this manager owns; DEFLATE (fflate) is tried only for value
 * parts of at least `threshold` raw bytes, as it costs far more time per byte than the rest.
 *
 * Decoding treats its input as hostile: lengths are checked against the most any sound encoding
 * of `capacity` elements could take before anything is copied, the kernels stop at the first bad
 * byte with a status, and every failure is a TransportError with code E_CODEC_CORRUPT and
 * `details.field`, `details.codec`, `details.problem`. Work is bounded by the input's length and
 * the capacity (DEFLATE: by its ~1032:1 maximum expansion of an input shorter than the output).
 */
import { deflateSync, inflateSync } from 'fflate';
import { ErrorCode, OptionsError, TransportError } from '../errors.js';
import { Codec } from '../generated/frame_generated.js';
import type { KernelExports, WasmHost } from '../memory/host.js';
import type { BatchKind, MessageBatch } from './frame.js';

export { Codec };

/**
 * Value parts of fewer raw bytes are never DEFLATEd. Measured on this (loaded, 2-core) machine
 * with fflate level 1 on PageRank contribution batches (send-list samples after 20 iterations):
 * raw / DEFLATE 256 B: 1.02 (larger), 1 KiB: 0.93, 2 KiB: 0.87, 4 KiB: 0.84, 32 KiB: 0.73,
 * 288 KiB: 0.59 on email_enron; 0.54-0.58 at every size on R-MAT scale 17 (many vertices share
 * a degree and a score, so whole doubles repeat). Below 4 KiB the saving is small and the fixed
 * cost (~40-150 µs a batch) dominates. DEFLATE runs at ~30-40 MB/s here, inflate ~100 MB/s: it
 * saves time only on links slower than about (1 - ratio) × that, ~15 MB/s; on shared memory or
 * faster links construct the manager with `threshold: Infinity`.
 */
export const COMPRESSION_THRESHOLD = 4096;

/** One encoded batch part. */
export interface EncodedPart {
  codec: Codec;
  bytes: Uint8Array;
}

export type ValueKind = 'f64' | 'i32' | 'u64';
export type ValueArray = Float64Array | Int32Array | BigUint64Array | BigInt64Array;

/** The kernels this module calls (assembly/ABI.md, "Codecs"). */
export interface CodecKernels {
  codec_delta_varint_encode(ids: number, count: number, maxId: number, out: number, capacity: number): number;
  codec_delta_varint_decode(input: number, length: number, maxId: number, out: number, capacity: number): number;
  codec_bitmap_encode(ids: number, count: number, maxId: number, out: number, capacity: number): number;
  codec_bitmap_decode(input: number, length: number, maxId: number, out: number, capacity: number): number;
  codec_id_runs_encode(ids: number, count: number, maxId: number, out: number, capacity: number): number;
  codec_id_runs_decode(input: number, length: number, maxId: number, out: number, capacity: number): number;
  codec_zigzag_varint_encode(values: number, count: number, out: number, capacity: number): number;
  codec_zigzag_varint_decode(input: number, length: number, out: number, capacity: number): number;
  codec_run_length_encode(values: number, count: number, out: number, capacity: number): number;
  codec_run_length_decode(input: number, length: number, out: number, capacity: number): number;
  codec_byte_shuffle(input: number, count: number, width: number, out: number): number;
  codec_byte_unshuffle(input: number, count: number, width: number, out: number): number;
}

/** Kernel statuses (negative returns), by number: assembly/kernels/codec.ts. */
export const CODEC_STATUS: Record<number, string> = {
  [-1]: 'truncated: the input ends inside a varint or a pair',
  [-2]: 'overlong varint: longer than 5 bytes, above 2^32 - 1, or not in its shortest form',
  [-3]: 'more elements than the capacity',
  [-4]: 'an id beyond the universe',
  [-5]: 'ids not strictly ascending',
  [-6]: 'a bitmap whose length is not the universe\'s',
};

export interface CompressionOptions {
  /**
   * value parts of at least this many raw bytes are tried with DEFLATE; default
   * COMPRESSION_THRESHOLD; Infinity never tries it (links as fast as DEFLATE itself, shared memory)
   */
  threshold?: number;
  /** DEFLATE level 1..9; default 1: the batches are small and time matters more than the last few % */
  level?: number;
}

/** Where the manager's scratch region lies in the shared memory (it alone writes there). */
export interface ScratchRegion {
  offset: number;
  bytes: number;
}

const U32_LIMIT = 2 ** 32;
/** The kernels' status for an output that does not fit its capacity. */
const CODEC_CAPACITY = -3;
/** The most bytes one element takes in any varint codec (a run of length 1: two 5-byte varints). */
const MAX_VARINT_BYTES_PER_ELEMENT = 10;
const ALIGN = 64;

const WIDTH: Record<ValueKind, number> = { f64: 8, i32: 4, u64: 8 };
const ID_CODECS: ReadonlySet<Codec> = new Set([Codec.None, Codec.DeltaVarint, Codec.Bitmap, Codec.IdRuns]);
const VALUE_CODECS: Record<ValueKind, ReadonlySet<Codec>> = {
  f64: new Set([Codec.None, Codec.Deflate, Codec.ShuffleDeflate]),
  u64: new Set([Codec.None, Codec.Deflate, Codec.ShuffleDeflate]),
  i32: new Set([Codec.None, Codec.ZigzagVarint, Codec.RunLength, Codec.Deflate]),
};

/** The codec's name in the frame schema (for messages). */
export function codecName(codec: number): string {
  return Codec[codec] ?? `unknown codec ${codec}`;
}

function corrupt(problem: string, field: string, codec: number, extra: Record<string, unknown> = {}): never {
  throw new TransportError(ErrorCode.CODEC_CORRUPT, `${field}: ${codecName(codec)}: ${problem}`, { field, codec, problem, ...extra });
}

function refuse(problem: string, field: string): never {
  throw new TransportError(ErrorCode.TRANSPORT, `codec: cannot encode ${field}: ${problem}`, { field, problem });
}

/** Marks an absent part (a dense batch's ids) in a Parts payload. */
const ABSENT = 0xff;

/** A decoded Parts payload: the arrays of a MessageBatch (fresh, unshared). */
export interface DecodedPayload {
  /** null: a dense value batch (the values follow the agreed list) */
  ids: Uint32Array | null;
  values: ValueArray | null;
  stepOffsets: Uint32Array | null;
}

function pushVarint(out: number[], value: number): void {
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
}

/** One shortest-form LEB128 value below 2^32 of a Parts header. */
function readVarint(bytes: Uint8Array, reader: { at: number }, field: string): number {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (reader.at >= bytes.length) corrupt('a part header ends inside a varint', field, Codec.Parts, { offset: reader.at });
    const byte = bytes[reader.at++]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) {
      if ((i > 0 && byte === 0) || value >= U32_LIMIT) break;
      return value;
    }
  }
  return corrupt('an overlong varint in a part header', field, Codec.Parts, { offset: reader.at });
}

/** Zero bytes of a delta varint code: each is an id right after the previous one (shortest-form
 * LEB128 has no other zero byte). */
function zeroBytes(code: Uint8Array): number {
  let zeros = 0;
  for (let i = 0; i < code.length; i++) if (code[i] === 0) zeros++;
  return zeros;
}

function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** An 8-byte aligned copy, so typed views of any element size can be made over it. */
function alignedCopy(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}

function valueArray(kind: ValueKind, buffer: ArrayBuffer, count: number): ValueArray {
  return kind === 'f64' ? new Float64Array(buffer, 0, count) : kind === 'i32' ? new Int32Array(buffer, 0, count) : new BigUint64Array(buffer, 0, count);
}

export class CompressionManager {
  /** The most elements (ids, or values of any kind) one part may have. */
  readonly maxElements: number;
  readonly threshold: number;
  readonly level: number;
  private readonly kernels: CodecKernels;
  private readonly memory: WebAssembly.Memory;
  /** Two halves of the scratch region: kernel input at `input`, output at `output`. */
  private readonly input: number;
  private readonly output: number;
  private readonly half: number;

  /** Scratch bytes for parts of up to `maxElements` elements. */
  static scratchBytes(maxElements: number): number {
    return 2 * Math.ceil((Math.max(1, maxElements) * MAX_VARINT_BYTES_PER_ELEMENT + ALIGN) / ALIGN) * ALIGN;
  }

  /** A manager whose scratch region is allocated from the host's arena (released with it). */
  static forHost(host: WasmHost, maxElements: number, options: CompressionOptions = {}): CompressionManager {
    const bytes = CompressionManager.scratchBytes(maxElements);
    const offset = host.arena.alloc(bytes, ALIGN);
    return new CompressionManager(host.exports, host.memory, { offset, bytes }, options);
  }

  /**
   * `kernels`: an instance of build/neuromesh.wasm over `memory` (a worker's own instance works);
   * `scratch`: at least `scratchBytes(n)` bytes for parts of n elements, used by no one else.
   */
  constructor(kernels: KernelExports | CodecKernels, memory: WebAssembly.Memory, scratch: ScratchRegion, options: CompressionOptions = {}) {
    const threshold = options.threshold ?? COMPRESSION_THRESHOLD;
    const level = options.level ?? 1;
    if (!(Number.isSafeInteger(threshold) || threshold === Infinity) || threshold < 0) throw new OptionsError('threshold', 'must be a non-negative integer or Infinity (never DEFLATE)', threshold);
    if (!Number.isInteger(level) || level < 1 || level > 9) throw new OptionsError('level', 'must be an integer in 1..9', level);
    if (!Number.isInteger(scratch.offset) || scratch.offset < 0 || scratch.offset % 8 !== 0) throw new OptionsError('scratch.offset', 'must be a non-negative multiple of 8', scratch.offset);
    if (!Number.isInteger(scratch.bytes) || scratch.bytes < CompressionManager.scratchBytes(1)) throw new OptionsError('scratch.bytes', `must be at least ${CompressionManager.scratchBytes(1)}`, scratch.bytes);
    if (scratch.offset + scratch.bytes > memory.buffer.byteLength) throw new OptionsError('scratch', 'must lie inside the memory', scratch.offset + scratch.bytes);
    this.kernels = kernels as unknown as CodecKernels;
    this.memory = memory;
    this.half = Math.floor(scratch.bytes / 2 / ALIGN) * ALIGN;
    this.input = scratch.offset;
    this.output = scratch.offset + this.half;
    this.maxElements = Math.floor((this.half - ALIGN) / MAX_VARINT_BYTES_PER_ELEMENT);
    this.threshold = threshold;
    this.level = level;
  }

  // --- ids ---

  /**
   * Encode a set of list positions: `ids` strictly ascending, each < `universe` (the agreed list
   * length). Returns the smallest of raw, delta varint, bitmap and id runs (ties: the earlier).
   * Ids that break the contract are a TransportError (E_TRANSPORT), as in encodeFrame.
   */
  encodeIds(ids: Uint32Array, universe: number): EncodedPart {
    const count = this.checkIds(ids, universe);
    if (count === 0) return { codec: Codec.DeltaVarint, bytes: new Uint8Array(0) };
    let best = this.encodeIdsAs(Codec.DeltaVarint, ids, universe);
    // Bitmap: fixed size, so it is tried only when it can win (sets over ~1/8 of the universe
    // and more: the delta code takes at least a byte per id).
    if (Math.floor((universe - 1) / 8) + 1 < best.bytes.length) best = this.encodeIdsAs(Codec.Bitmap, ids, universe);
    // Id runs win only when many ids continue a run: each zero byte of the delta code is one.
    if (best.codec === Codec.Bitmap || zeroBytes(best.bytes) * 2 > count) {
      const runs = this.encodeIdsAs(Codec.IdRuns, ids, universe);
      if (runs.bytes.length < best.bytes.length) best = runs;
    }
    return best.bytes.length >= 4 * count ? this.encodeIdsAs(Codec.None, ids, universe) : best;
  }

  /** Encode ids with the given codec (None, DeltaVarint, Bitmap or IdRuns); contract as encodeIds. */
  encodeIdsAs(codec: Codec, ids: Uint32Array, universe: number): EncodedPart {
    const count = this.checkIds(ids, universe);
    if (!ID_CODECS.has(codec)) throw new OptionsError('codec', 'must be None, DeltaVarint, Bitmap or IdRuns for ids', codecName(codec));
    if (codec === Codec.None) {
      for (let i = 0; i < count; i++) {
        if (ids[i]! >= universe) refuse(`id ${ids[i]} at ${i} is beyond the universe ${universe}`, 'ids');
        if (i > 0 && ids[i]! <= ids[i - 1]!) refuse(`ids not strictly ascending at ${i}`, 'ids');
      }
      return { codec, bytes: bytesOf(ids.slice()) };
    }
    if (count === 0 && codec !== Codec.Bitmap) return { codec, bytes: new Uint8Array(0) };
    if (universe === 0) refuse('a bitmap over an empty universe', 'ids');
    const maxId = universe - 1;
    this.writeInput(bytesOf(ids));
    const k = this.kernels;
    const encode = codec === Codec.DeltaVarint ? k.codec_delta_varint_encode : codec === Codec.Bitmap ? k.codec_bitmap_encode : k.codec_id_runs_encode;
    const written = encode(this.input, count, maxId, this.output, this.half);
    if (written === CODEC_CAPACITY) throw new OptionsError('universe', `must give a ${codecName(codec)} code that fits the manager's scratch (${this.half} bytes)`, universe);
    if (written < 0) refuse(CODEC_STATUS[written] ?? `status ${written}`, 'ids');
    return { codec, bytes: this.readOutput(written) };
  }

  /**
   * Decode an id part: a strictly ascending Uint32Array of at most `capacity` (default: universe)
   * ids, each < universe. `field` names the part in errors.
   */
  decodeIds(codec: number, bytes: Uint8Array, universe: number, capacity = universe, field = 'ids'): Uint32Array {
    this.checkUniverse(universe);
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new OptionsError('capacity', 'must be a non-negative integer', capacity);
    if (capacity > this.maxElements) throw new OptionsError('capacity', `must be at most the manager's maxElements ${this.maxElements}`, capacity);
    if (!ID_CODECS.has(codec)) corrupt('not a codec for ids', field, codec);
    const limit = Math.min(capacity, universe);
    if (codec === Codec.None) {
      if (bytes.length % 4 !== 0) corrupt(`${bytes.length} bytes is not a whole number of u32 ids`, field, codec);
      if (bytes.length / 4 > limit) corrupt(`${bytes.length / 4} ids, more than the ${limit} expected`, field, codec);
      const ids = new Uint32Array(alignedCopy(bytes));
      for (let i = 0; i < ids.length; i++) {
        if (ids[i]! >= universe) corrupt(`id ${ids[i]} at ${i} is beyond the universe ${universe}`, field, codec, { offset: 4 * i });
        if (i > 0 && ids[i]! <= ids[i - 1]!) corrupt(`ids not strictly ascending at ${i}`, field, codec, { offset: 4 * i });
      }
      return ids;
    }
    if (bytes.length === 0 && codec !== Codec.Bitmap) return new Uint32Array(0);
    if (universe === 0) corrupt(`${bytes.length} bytes of ids over an empty universe`, field, codec);
    const maxId = universe - 1;
    // The most any sound encoding of `limit` ids can take: more is corrupt before it is copied.
    const bitmapBytes = Math.floor(maxId / 8) + 1;
    if (codec === Codec.Bitmap && bytes.length !== bitmapBytes) corrupt(`${bytes.length} bytes, the universe's bitmap takes ${bitmapBytes}`, field, codec);
    // A bitmap larger than the scratch cannot come from a manager sized like this one: it sends a
    // bitmap only when shorter than the delta code (at most 5 bytes per id).
    const longest = codec === Codec.Bitmap ? this.half : codec === Codec.DeltaVarint ? 5 * limit : MAX_VARINT_BYTES_PER_ELEMENT * limit;
    if (bytes.length > longest) corrupt(`${bytes.length} bytes, more than any encoding of at most ${limit} ids takes (${longest})`, field, codec);
    this.writeInput(bytes);
    const k = this.kernels;
    const decode = codec === Codec.DeltaVarint ? k.codec_delta_varint_decode : codec === Codec.Bitmap ? k.codec_bitmap_decode : k.codec_id_runs_decode;
    const count = decode(this.input, bytes.length, maxId, this.output, limit);
    if (count < 0) corrupt(CODEC_STATUS[count] ?? `status ${count}`, field, codec, { status: count });
    return new Uint32Array(this.memory.buffer, this.output, count).slice();
  }

  // --- values ---

  /**
   * Encode a value part. i32: the smallest of raw, zigzag varint and run lengths (and DEFLATE at
   * or above the threshold); f64 and u64 limbs: raw, or DEFLATE at or above the threshold when it
   * is smaller (ShuffleDeflate only when asked for, with encodeValuesAs).
   */
  encodeValues(values: ValueArray): EncodedPart {
    const count = this.checkValues(values);
    const raw = values.byteLength;
    let best = this.encodeValuesAs(Codec.None, values);
    if (count === 0) return best;
    if (values instanceof Int32Array) {
      for (const codec of [Codec.ZigzagVarint, Codec.RunLength]) {
        const candidate = this.encodeValuesAs(codec, values);
        if (candidate.bytes.length < best.bytes.length) best = candidate;
      }
      if (raw >= this.threshold && best.bytes.length >= this.threshold) {
        const candidate = this.encodeValuesAs(Codec.Deflate, values);
        if (candidate.bytes.length < best.bytes.length) best = candidate;
      }
    } else if (raw >= this.threshold) {
      // Plain DEFLATE, not the shuffled form: on PageRank contributions whole doubles repeat, and
      // LZ77 matches them (0.55 vs 0.68 of raw on R-MAT, 0.59 vs 0.72 on email_enron).
      const candidate = this.encodeValuesAs(Codec.Deflate, values);
      if (candidate.bytes.length < best.bytes.length) best = candidate;
    }
    return best;
  }

  /** Encode values with the given codec (one that VALUE_CODECS allows for their kind). */
  encodeValuesAs(codec: Codec, values: ValueArray): EncodedPart {
    const count = this.checkValues(values);
    const kind: ValueKind = values instanceof Float64Array ? 'f64' : values instanceof Int32Array ? 'i32' : 'u64';
    if (!VALUE_CODECS[kind].has(codec)) throw new OptionsError('codec', `must be one of ${[...VALUE_CODECS[kind]].map(codecName).join(', ')} for ${kind} values`, codecName(codec));
    const raw = bytesOf(values);
    const k = this.kernels;
    switch (codec) {
      case Codec.None:
        return { codec, bytes: raw.slice() };
      case Codec.Deflate:
        return { codec, bytes: deflateSync(raw, { level: this.level as 1 }) };
      case Codec.ShuffleDeflate:
        this.writeInput(raw);
        k.codec_byte_shuffle(this.input, count, WIDTH[kind], this.output);
        return { codec, bytes: deflateSync(new Uint8Array(this.memory.buffer, this.output, raw.length), { level: this.level as 1 }) };
      default: {
        this.writeInput(raw);
        const encode = codec === Codec.ZigzagVarint ? k.codec_zigzag_varint_encode : k.codec_run_length_encode;
        // Cannot fail: the output half holds 10 bytes per element, the most either code takes.
        const written = encode(this.input, count, this.output, this.half);
        return { codec, bytes: this.readOutput(written) };
      }
    }
  }

  /** Decode a value part of exactly `count` elements of `kind` (a fresh, unshared array). */
  decodeValues(codec: number, bytes: Uint8Array, kind: ValueKind, count: number, field = 'values'): ValueArray {
    if (!Number.isSafeInteger(count) || count < 0) throw new OptionsError('count', 'must be a non-negative integer', count);
    if (count > this.maxElements) throw new OptionsError('count', `must be at most the manager's maxElements ${this.maxElements}`, count);
    if (!VALUE_CODECS[kind].has(codec)) corrupt(`not a codec for ${kind} values`, field, codec);
    const width = WIDTH[kind];
    const rawBytes = count * width;
    const k = this.kernels;
    switch (codec) {
      case Codec.None:
        if (bytes.length !== rawBytes) corrupt(`${bytes.length} bytes, expected ${count} × ${width}`, field, codec);
        return valueArray(kind, alignedCopy(bytes), count);
      case Codec.Deflate:
      case Codec.ShuffleDeflate: {
        // DEFLATE's stored blocks add 5 bytes per 64 KiB to incompressible data; more is not sound
        // (and the manager itself sends DEFLATE only when it is shorter than the raw bytes).
        const longest = rawBytes + Math.ceil(rawBytes / 1024) + 64;
        if (bytes.length > longest) corrupt(`${bytes.length} bytes of DEFLATE for ${rawBytes} raw bytes`, field, codec);
        const inflated = this.inflate(bytes, rawBytes, field, codec);
        if (codec === Codec.Deflate) return valueArray(kind, inflated.buffer as ArrayBuffer, count);
        this.writeInput(inflated);
        k.codec_byte_unshuffle(this.input, count, width, this.output);
        return valueArray(kind, new Uint8Array(this.memory.buffer, this.output, rawBytes).slice().buffer, count);
      }
      default: {
        // ZigzagVarint, RunLength: i32 only (VALUE_CODECS).
        const longest = (codec === Codec.ZigzagVarint ? 5 : MAX_VARINT_BYTES_PER_ELEMENT) * count;
        if (bytes.length > longest) corrupt(`${bytes.length} bytes, more than any encoding of ${count} values takes (${longest})`, field, codec);
        this.writeInput(bytes);
        const decode = codec === Codec.ZigzagVarint ? k.codec_zigzag_varint_decode : k.codec_run_length_decode;
        const written = decode(this.input, bytes.length, this.output, count);
        if (written < 0) corrupt(CODEC_STATUS[written] ?? `status ${written}`, field, codec, { status: written });
        if (written !== count) corrupt(`${written} values, expected ${count}`, field, codec);
        return new Int32Array(this.memory.buffer, this.output, count).slice();
      }
    }
  }

  // --- whole batches (frame codec Parts) ---

  /**
   * A batch's payload as one byte string (the frame's `encoded` vector, codec Parts): its parts in
   * a fixed order, each `u8 codec | LEB128 elements | LEB128 bytes | bytes`, an absent part one
   * byte 0xFF. Value kinds: ids (absent when dense), then the values (limb rows: all limbs);
   * ids: the ids; spikes: the spiking positions then the step offsets, both as i32 value parts
   * (positions ascend only within a step). `universe` is the agreed list length.
   */
  encodePayload(batch: MessageBatch, universe: number): Uint8Array {
    const sections: [EncodedPart | null, number][] = [];
    switch (batch.kind) {
      case 'spikes':
        sections.push([this.encodeValues(new Int32Array(batch.ids.buffer, batch.ids.byteOffset, batch.ids.length)), batch.ids.length]);
        sections.push([this.encodeValues(new Int32Array(batch.stepOffsets.buffer, batch.stepOffsets.byteOffset, batch.stepOffsets.length)), batch.stepOffsets.length]);
        break;
      case 'ids':
        sections.push([this.encodeIds(batch.ids, universe), batch.ids.length]);
        break;
      default:
        sections.push(batch.ids ? [this.encodeIds(batch.ids, universe), batch.ids.length] : [null, 0]);
        sections.push([this.encodeValues(batch.values), batch.values.length]);
    }
    const header: number[] = [];
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (const [part, elements] of sections) {
      header.length = 0;
      if (part === null) header.push(ABSENT);
      else {
        header.push(part.codec);
        pushVarint(header, elements);
        pushVarint(header, part.bytes.length);
      }
      chunks.push(Uint8Array.from(header));
      total += header.length;
      if (part) {
        chunks.push(part.bytes);
        total += part.bytes.length;
      }
    }
    const payload = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) {
      payload.set(chunk, at);
      at += chunk.length;
    }
    return payload;
  }

  /**
   * The element count of a batch of `kind` whose payload is `bytes` (frame format 2 leaves `count`
   * out of Parts batches: the parts carry it): the first part's elements, or for a dense value batch
   * its values part's elements / `rowWidth`. Reads only part headers; a count above what this
   * manager can decode, or values that are not whole rows, is E_CODEC_CORRUPT. decodePayload then
   * checks every part against it.
   */
  payloadCount(kind: BatchKind, bytes: Uint8Array, rowWidth = 1): number {
    const reader = { at: 0 };
    const field = 'encoded';
    const elementsOf = (name: string): number | null => {
      if (reader.at >= bytes.length) corrupt(`the ${name} part is missing`, field, Codec.Parts, { offset: reader.at });
      if (bytes[reader.at++] === ABSENT) return null;
      const elements = readVarint(bytes, reader, field);
      reader.at += readVarint(bytes, reader, field);
      return elements;
    };
    let count = elementsOf(kind === 'spikes' ? 'spike ids' : 'ids');
    if (count === null) {
      if (kind === 'spikes' || kind === 'ids') return corrupt(`a ${kind} batch without ids`, field, Codec.Parts);
      const limbs = elementsOf('values');
      if (limbs === null) return corrupt('a value batch without values', field, Codec.Parts);
      if (!(Number.isInteger(rowWidth) && rowWidth >= 1) || limbs % rowWidth !== 0) corrupt(`${limbs} values are not whole rows of ${rowWidth}`, field, Codec.Parts);
      count = limbs / rowWidth;
    }
    if (count * rowWidth > this.maxElements) corrupt(`${count} elements${rowWidth > 1 ? ` of ${rowWidth}` : ''} exceed what this receiver decodes (${this.maxElements})`, field, Codec.Parts);
    return count;
  }

  /**
   * Inverse of encodePayload for a batch of `kind` with `count` elements (the frame's count) and
   * `rowWidth` limbs per row (limbs only). Returns the batch's arrays: `ids` null for a dense
   * value batch. Every part's element count must agree with `count`; spike step offsets must run
   * from 0 to count without decreasing; nothing may follow the last part.
   */
  decodePayload(kind: BatchKind, bytes: Uint8Array, count: number, universe: number, rowWidth = 1): DecodedPayload {
    const reader = { at: 0 };
    const field = 'encoded';
    const section = (name: string): { codec: number; bytes: Uint8Array; elements: number } | null => {
      if (reader.at >= bytes.length) corrupt(`the ${name} part is missing`, field, Codec.Parts, { offset: reader.at });
      const codec = bytes[reader.at++]!;
      if (codec === ABSENT) return null;
      const elements = readVarint(bytes, reader, field);
      const length = readVarint(bytes, reader, field);
      if (length > bytes.length - reader.at) corrupt(`the ${name} part claims ${length} bytes, ${bytes.length - reader.at} remain`, field, Codec.Parts, { offset: reader.at });
      const part = { codec, bytes: bytes.subarray(reader.at, reader.at + length), elements };
      reader.at += length;
      return part;
    };
    const expectElements = (part: { elements: number }, expected: number, name: string): void => {
      if (part.elements !== expected) corrupt(`the ${name} part has ${part.elements} elements, the batch ${expected}`, field, Codec.Parts);
    };
    let result: DecodedPayload;
    if (kind === 'spikes') {
      const ids = section('spike ids');
      const steps = section('step offsets');
      if (!ids || !steps) return corrupt('a spike batch without ids or step offsets', field, Codec.Parts);
      expectElements(ids, count, 'spike ids');
      if (steps.elements < 1 || steps.elements > this.maxElements) corrupt(`${steps.elements} step offsets`, field, Codec.Parts);
      const idValues = this.decodeValues(ids.codec, ids.bytes, 'i32', count, 'ids') as Int32Array;
      const offsets = this.decodeValues(steps.codec, steps.bytes, 'i32', steps.elements, 'stepOffsets') as Int32Array;
      const stepOffsets = new Uint32Array(offsets.buffer, offsets.byteOffset, offsets.length);
      if (stepOffsets[0] !== 0 || stepOffsets[stepOffsets.length - 1] !== count) corrupt(`step offsets must run from 0 to ${count}`, 'stepOffsets', steps.codec);
      for (let s = 1; s < stepOffsets.length; s++) if (stepOffsets[s]! < stepOffsets[s - 1]!) corrupt(`step offsets decrease at ${s}`, 'stepOffsets', steps.codec);
      const spikeIds = new Uint32Array(idValues.buffer, idValues.byteOffset, idValues.length);
      for (let i = 0; i < count; i++) if (spikeIds[i]! >= universe) corrupt(`spike id ${spikeIds[i]} at ${i} is beyond the universe ${universe}`, 'ids', ids.codec);
      result = { ids: spikeIds, values: null, stepOffsets };
    } else if (kind === 'ids') {
      const ids = section('ids');
      if (!ids) return corrupt('an id batch without ids', field, Codec.Parts);
      expectElements(ids, count, 'ids');
      result = { ids: this.decodeIds(ids.codec, ids.bytes, universe, count), values: null, stepOffsets: null };
    } else {
      const idsPart = section('ids');
      const valuesPart = section('values');
      if (!valuesPart) return corrupt('a value batch without values', field, Codec.Parts);
      const valueKind: ValueKind = kind === 'values-f64' ? 'f64' : kind === 'values-i32' ? 'i32' : 'u64';
      const elements = kind === 'limbs-u64' ? count * rowWidth : count;
      expectElements(valuesPart, elements, 'values');
      let ids: Uint32Array | null = null;
      if (idsPart) {
        expectElements(idsPart, count, 'ids');
        ids = this.decodeIds(idsPart.codec, idsPart.bytes, universe, count);
        if (ids.length !== count) corrupt(`${ids.length} ids, the batch has ${count}`, 'ids', idsPart.codec);
      } else if (count !== universe) corrupt(`a dense batch of ${count} values for a list of ${universe}`, field, Codec.Parts);
      result = { ids, values: this.decodeValues(valuesPart.codec, valuesPart.bytes, valueKind, elements), stepOffsets: null };
    }
    if (reader.at !== bytes.length) corrupt(`${bytes.length - reader.at} bytes after the last part`, field, Codec.Parts, { offset: reader.at });
    return result;
  }

  // --- internals ---

  private checkIds(ids: Uint32Array, universe: number): number {
    this.checkUniverse(universe);
    if (ids.length > universe) refuse(`${ids.length} ids cannot be distinct positions below ${universe}`, 'ids');
    if (ids.length > this.maxElements) throw new OptionsError('ids.length', `must be at most the manager's maxElements ${this.maxElements}`, ids.length);
    return ids.length;
  }

  private checkValues(values: ValueArray): number {
    if (values.length > this.maxElements) throw new OptionsError('values.length', `must be at most the manager's maxElements ${this.maxElements}`, values.length);
    return values.length;
  }

  private checkUniverse(universe: number): void {
    if (!Number.isSafeInteger(universe) || universe < 0 || universe > U32_LIMIT) throw new OptionsError('universe', 'must be an integer in [0, 2^32]', universe);
  }

  private writeInput(bytes: Uint8Array): void {
    if (bytes.length > this.half) throw new OptionsError('part', `must fit the manager's scratch (${this.half} bytes)`, bytes.length);
    // From memory.buffer at each call: a grown memory has a new buffer (host.ts).
    new Uint8Array(this.memory.buffer, this.input, bytes.length).set(bytes);
  }

  private readOutput(length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, this.output, length).slice();
  }

  private inflate(bytes: Uint8Array, rawBytes: number, field: string, codec: number): Uint8Array {
    // One byte of room past the expected size: filling it means the stream was longer.
    const out = new Uint8Array(rawBytes + 1);
    let inflated: Uint8Array;
    try {
      inflated = inflateSync(bytes, { out });
    } catch (cause) {
      return corrupt(`bad DEFLATE stream: ${cause instanceof Error ? cause.message : String(cause)}`, field, codec);
    }
    if (inflated.length !== rawBytes) corrupt(`DEFLATE gave ${inflated.length > rawBytes ? 'more' : inflated.length} bytes, expected ${rawBytes}`, field, codec);
    return out.subarray(0, rawBytes);
  }
}
