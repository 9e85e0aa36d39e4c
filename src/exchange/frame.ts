/**
 * Message frames: the FlatBuffer of schemas/frame.fbs that cross-partition batches travel in
 * when they leave a host's shared memory (another process, the network, `--transport frames`).
 *
 * One frame goes from one worker to one worker for one phase of one superstep and carries one or
 * more partition -> partition batches: the first inline in the Frame table, any further ones in
 * `more` (format version 2: schemas/frame.fbs says why, and where the bytes went). A batch is values
 * (f64, i32, rows of u64 limbs), spikes (neuron ids grouped by step) or bare ids; `ids` present makes
 * a value batch sparse (which send-list positions the values are for), absent means dense (the
 * agreed list order). There are no empty frames: a destination that gets nothing gets no frame.
 *
 * Encoding copies each typed array into the builder in one bulk copy (addTypedVector), then
 * one CRC-32 pass over the frame (about 1 GB/s). Decoding a frame from the wire checks, in this
 * order, before it believes anything (the JavaScript FlatBuffers runtime has no verifier):
 *   1. size, identifier "NMF1", root table, vtable and the header struct lie inside the buffer;
 *   2. the CRC-32 of the whole frame (checksum field read as zero): any flipped byte fails here;
 *   3. the format version (and later each batch's codec): a sound frame this reader cannot read;
 *   4. the receiver's expectation: run checksum, superstep, phase, source, destination;
 *   5. each batch: its table, kind, vectors (inside the buffer, aligned, counts bounded by the
 *      byte length before anything is allocated), lengths that agree with `count`, step offsets,
 *      and with `expect.listLength` the agreed list lengths and id bounds.
 * Failures are TransportErrors: E_FRAME_CORRUPT (1, 2, 5), E_FRAME_UNSUPPORTED (3),
 * E_FRAME_UNEXPECTED (4, and 5's list checks), with `details.field` and `details.offset` (the
 * byte position of the problem) when known. Every loop is bounded by the buffer's length.
 *
 * Decoded arrays are zero-copy views onto the frame's bytes (onto an aligned copy when the input
 * was not 8-byte aligned, e.g. a slice of a network buffer): they are valid as long as those bytes
 * are not reused. Receivers copy them into shared memory anyway; `.slice()` one to keep it.
 */
import * as flatbuffers from 'flatbuffers';
import { ErrorCode, TransportError } from '../errors.js';
import { addTypedVector, checksumOf, fieldPosition, openFrame, type OpenedFrame } from '../flatbuffers.js';
import { BatchKind as KindCode, Codec, Frame as FrameTable, Header } from '../generated/frame_generated.js';
import type { DecodedPayload } from './codecs.js';

/**
 * Compressed payloads (codec Parts): what encodeFrame / decodeFrame need of a CompressionManager
 * (codecs.ts). With one, every batch travels as its `encoded` payload; without, as typed vectors.
 */
export interface PayloadCodec {
  encodePayload(batch: MessageBatch, universe: number): Uint8Array;
  /** the batch's element count, as its payload's parts say (checked as hostile input) */
  payloadCount(kind: BatchKind, bytes: Uint8Array, rowWidth: number): number;
  decodePayload(kind: BatchKind, bytes: Uint8Array, count: number, universe: number, rowWidth?: number): DecodedPayload;
}

/** encodeFrame's choice of payload form: codec Parts through `codecs`, ids bounded by `listLength`. */
export interface FrameCompression {
  codecs: PayloadCodec;
  /** the agreed list length of the batch's partition pair (the id universe) */
  listLength: (source: number, destination: number) => number;
}

/** The frame format this code writes and the only one it reads. */
export const FRAME_FORMAT_VERSION = 2;
export const FRAME_IDENTIFIER = 'NMF1';

/** What a batch carries (schemas/frame.fbs BatchKind). */
export type BatchKind = 'values-f64' | 'values-i32' | 'limbs-u64' | 'spikes' | 'ids';

interface BatchRoute {
  sourcePartition: number;
  destinationPartition: number;
}

/** Doubles, one per element; `ids` null or absent = dense (the agreed send list order). */
export interface F64Batch extends BatchRoute {
  kind: 'values-f64';
  values: Float64Array;
  ids?: Uint32Array | null;
}

/** 32-bit integers, one per element; `ids` as for F64Batch. */
export interface I32Batch extends BatchRoute {
  kind: 'values-i32';
  values: Int32Array;
  ids?: Uint32Array | null;
}

/**
 * Rows of `rowWidth` 64-bit limbs (exact-sum accumulators): values.length / rowWidth elements.
 * Signed limbs travel as their bits: decoding gives a BigUint64Array; reinterpret it with
 * `new BigInt64Array(values.buffer, values.byteOffset, values.length)`.
 */
export interface LimbBatch extends BatchRoute {
  kind: 'limbs-u64';
  rowWidth: number;
  values: BigUint64Array | BigInt64Array;
  ids?: Uint32Array | null;
}

/**
 * Spikes of an exchange window: ids[stepOffsets[s] .. stepOffsets[s + 1]) spiked at the window's
 * step s (stepOffsets: steps + 1 entries, from 0 to ids.length, never decreasing).
 */
export interface SpikeBatch extends BatchRoute {
  kind: 'spikes';
  stepOffsets: Uint32Array;
  ids: Uint32Array;
  /** the step the window starts at (the frame's first_step; 0 when absent) */
  firstStep?: number;
}

/** Ids and nothing else (a frontier, a set of changed vertices). */
export interface IdBatch extends BatchRoute {
  kind: 'ids';
  ids: Uint32Array;
}

export type MessageBatch = F64Batch | I32Batch | LimbBatch | SpikeBatch | IdBatch;

/** Who sends a frame to whom, when, and for which run. u32 except `phase` (u8) and the workers (u16). */
export interface FrameHeader {
  /** identifies the run and its partition plan: frames of another run are rejected */
  runChecksum: number;
  superstep: number;
  /** the phase's index in the algorithm's list of phases */
  phase: number;
  sourceWorker: number;
  destinationWorker: number;
}

/** A decoded frame. Its batches' arrays are views onto the frame's bytes (module comment). */
export interface DecodedFrame extends FrameHeader {
  formatVersion: number;
  /** each batch's `ids` is set: null for a dense value batch */
  batches: MessageBatch[];
}

/** What the receiver waits for; every field given must match (E_FRAME_UNEXPECTED otherwise). */
export interface FrameExpectation extends Partial<FrameHeader> {
  /** decodes batches whose codec is Parts (without: such batches are unsupported); needs listLength */
  codecs?: PayloadCodec;
  /**
   * The agreed send list length for batches from partition `source` to `destination`, or -1
   * when no batch is expected between them. Dense value batches must have exactly that many
   * elements and every id must be below it, so that a receiver may index its lists with them.
   */
  listLength?: (source: number, destination: number) => number;
  /**
   * Decode only the batches this accepts (a receiver's own, in a host-to-host frame); the others are
   * left out of the result, their payloads unread (the checksum still covers them).
   */
  only?: (source: number, destination: number) => boolean;
}

/** Elements of a batch: values, limb rows, spikes or ids. */
export function batchCount(batch: MessageBatch): number {
  switch (batch.kind) {
    case 'values-f64':
    case 'values-i32':
      return batch.values.length;
    case 'limbs-u64':
      return batch.values.length / batch.rowWidth;
    case 'spikes':
    case 'ids':
      return batch.ids.length;
  }
}

// Field positions. The Frame table's field 0 is the header struct, field 1 `more`; its fields 2.. are
// a Batch's fields 0.. (schemas/frame.fbs), so one reader serves both: a batch field's vtable slot is
// `base + BATCH_FIELD.x`, base FRAME_BATCH_BASE for the frame's own batch, BATCH_BASE in `more`.
// The reader checks each field before it reads it, so it reads by position rather than through the
// generated accessors.
const HEADER_SLOT = 4;
/** Header struct layout (bytes from its start): schemas/frame.fbs struct Header. */
const HEADER = { formatVersion: 0, phase: 1, sourceWorker: 2, destinationWorker: 4, checksum: 8, runChecksum: 12, superstep: 16, bytes: 20 } as const;
const BATCH_BASE = 4;
const FRAME_BATCH_BASE = 8;
const BATCH_FIELD = {
  encoded: 0,
  kind: 2,
  firstStep: 4,
  rowWidth: 6,
  sourcePartition: 8,
  destinationPartition: 10,
  count: 12,
  codec: 14,
  ids: 16,
  stepOffsets: 18,
  f64Values: 20,
  i32Values: 22,
  u64Values: 24,
} as const;
/** Field index (builder.addField*) of a batch field: (slot - 4) / 2. */
const fieldIndex = (base: number, slot: number): number => (base + slot - 4) / 2;
const MORE_SLOT = 6;

const KIND_CODES: Record<BatchKind, KindCode> = {
  'values-f64': KindCode.ValuesF64,
  'values-i32': KindCode.ValuesI32,
  'limbs-u64': KindCode.LimbsU64,
  spikes: KindCode.Spikes,
  ids: KindCode.IdsOnly,
};
const U32_MAX = 0xffff_ffff;
/** Worker ids are 16-bit in the header (format version 2). */
const WORKER_MAX = 0xffff;
/** A batch's partition field at this value (its default: absent) means the frame's worker. */
const SAME_AS_WORKER = 0xffff_ffff;
/** Schema defaults of the batch fields that are not 0. */
const DEFAULT_CODEC = Codec.Parts;
/** The builder's buffer cannot grow past 2 GiB (flatbuffers runtime). */
const MAX_FRAME_BYTES = 0x7fff_ffff;
/** Per batch: table, vtable, its offset in the `more` vector and vector headers with padding. */
const BATCH_OVERHEAD_BYTES = 192;

/**
 * Encode one frame: `header` and the batches in order (at least one: there are no empty frames).
 * The bytes are 8-byte aligned at offset 0 of their own ArrayBuffer (transferable as is). Arrays
 * are validated for shape (lengths, step offsets, u32 ranges), not for meaning: a batch that breaks
 * the wire contract is a TransportError (E_TRANSPORT) here rather than a frame every receiver rejects.
 */
export function encodeFrame(header: FrameHeader, batches: readonly MessageBatch[], compression?: FrameCompression): Uint8Array {
  const refuse = (problem: string, field: string): never => {
    throw new TransportError(ErrorCode.TRANSPORT, `frame: cannot encode: ${problem}`, { field, problem });
  };
  for (const key of ['runChecksum', 'superstep'] as const) checkUnsigned(header[key], U32_MAX, key, refuse);
  for (const key of ['sourceWorker', 'destinationWorker'] as const) checkUnsigned(header[key], WORKER_MAX, key, refuse);
  checkUnsigned(header.phase, 0xff, 'phase', refuse);
  if (!Array.isArray(batches) || batches.length === 0) refuse('a frame carries at least one batch (a destination that gets nothing gets no frame)', 'batches');

  let estimate = 256 + 4 * batches.length;
  batches.forEach((batch, index) => {
    checkBatch(batch, `batches[${index}]`, refuse);
    estimate += BATCH_OVERHEAD_BYTES + (batch.ids?.byteLength ?? 0) + ('values' in batch ? batch.values.byteLength : 0) + (batch.kind === 'spikes' ? batch.stepOffsets.byteLength : 0);
  });
  if (estimate > MAX_FRAME_BYTES) refuse(`about ${estimate} bytes exceeds the 2 GiB a frame can hold: split the batches over several frames`, 'batches');

  const builder = new flatbuffers.Builder(estimate);
  const vectorsOf = (batch: MessageBatch): BatchVectors =>
    compression
      ? { encoded: addTypedVector(builder, compression.codecs.encodePayload(batch, compression.listLength(batch.sourcePartition, batch.destinationPartition))), ids: 0, stepOffsets: 0, values: 0 }
      : typedVectors(builder, batch);
  // Back to front: the further batches first, then the frame's own batch's vectors, then its table.
  let more = 0;
  if (batches.length > 1) {
    const offsets = batches.slice(1).map((batch) => {
      const vectors = vectorsOf(batch);
      builder.startObject(13);
      addBatchFields(builder, BATCH_BASE, batch, vectors, header);
      return builder.endObject();
    });
    more = FrameTable.createMoreVector(builder, offsets);
  }
  const first = batches[0]!;
  const vectors = vectorsOf(first);
  FrameTable.startFrame(builder);
  FrameTable.addHeader(builder, Header.createHeader(builder, FRAME_FORMAT_VERSION, header.phase, header.sourceWorker, header.destinationWorker, 0, header.runChecksum, header.superstep));
  addBatchFields(builder, FRAME_BATCH_BASE, first, vectors, header);
  if (more !== 0) FrameTable.addMore(builder, more);
  builder.finish(FrameTable.endFrame(builder), FRAME_IDENTIFIER);

  // A copy at offset 0 of a buffer of its own: aligned for the readers' views, and no larger
  // than the frame when its buffer is transferred to another thread.
  const bytes = builder.asUint8Array().slice();
  const at = fieldPosition(bytes, HEADER_SLOT);
  if (at < 0) throw new Error('internal: frame header missing');
  new DataView(bytes.buffer).setUint32(at + HEADER.checksum, checksumOf(bytes, at + HEADER.checksum), true);
  return bytes;
}

interface BatchVectors {
  encoded?: number;
  ids: number;
  stepOffsets: number;
  values: number;
}

function checkUnsigned(value: number, max: number, field: string, refuse: (problem: string, field: string) => never): void {
  if (!(Number.isInteger(value) && value >= 0 && value <= max)) refuse(`${field} must be an integer in [0, ${max}], got ${String(value)}`, field);
}

function checkBatch(batch: MessageBatch, name: string, refuse: (problem: string, field: string) => never): void {
  // 2^32 - 1 is the schema's "the frame's worker": not a partition
  checkUnsigned(batch.sourcePartition, U32_MAX - 1, `${name}.sourcePartition`, refuse);
  checkUnsigned(batch.destinationPartition, U32_MAX - 1, `${name}.destinationPartition`, refuse);
  const ids = batch.ids ?? null;
  if (ids !== null && !(ids instanceof Uint32Array)) refuse('ids must be a Uint32Array', `${name}.ids`);
  let count: number;
  switch (batch.kind) {
    case 'values-f64':
      if (!(batch.values instanceof Float64Array)) refuse('values must be a Float64Array', `${name}.values`);
      count = batch.values.length;
      break;
    case 'values-i32':
      if (!(batch.values instanceof Int32Array)) refuse('values must be an Int32Array', `${name}.values`);
      count = batch.values.length;
      break;
    case 'limbs-u64': {
      if (!(batch.values instanceof BigUint64Array || batch.values instanceof BigInt64Array)) refuse('values must be a BigUint64Array or BigInt64Array', `${name}.values`);
      checkUnsigned(batch.rowWidth, U32_MAX, `${name}.rowWidth`, refuse);
      if (batch.rowWidth === 0) refuse('rowWidth must be at least 1', `${name}.rowWidth`);
      if (batch.values.length % batch.rowWidth !== 0) refuse(`${batch.values.length} limbs are not whole rows of ${batch.rowWidth}`, `${name}.values`);
      count = batch.values.length / batch.rowWidth;
      break;
    }
    case 'spikes': {
      if (ids === null) refuse('a spike batch needs ids', `${name}.ids`);
      const steps = batch.stepOffsets;
      if (!(steps instanceof Uint32Array) || steps.length === 0) refuse('stepOffsets must be a Uint32Array of steps + 1 entries', `${name}.stepOffsets`);
      checkStepOffsets(steps, ids!.length, (problem) => refuse(problem, `${name}.stepOffsets`));
      if (batch.firstStep !== undefined) checkUnsigned(batch.firstStep, U32_MAX, `${name}.firstStep`, refuse);
      count = ids!.length;
      break;
    }
    case 'ids':
      if (ids === null) refuse('an ids batch needs ids', `${name}.ids`);
      count = ids!.length;
      break;
    default:
      return refuse(`unknown batch kind ${JSON.stringify((batch as { kind: unknown }).kind)}`, `${name}.kind`);
  }
  if (count > U32_MAX) refuse(`${count} elements exceed 2^32 - 1`, name);
  if (ids !== null && ids.length !== count) refuse(`${ids.length} ids for ${count} elements`, `${name}.ids`);
}

/** Offsets start at 0, never decrease and end at `count`. */
function checkStepOffsets(steps: Uint32Array, count: number, reject: (problem: string) => never): void {
  if (steps[0] !== 0) reject(`first step offset is ${steps[0]}, expected 0`);
  for (let s = 1; s < steps.length; s++) {
    if (steps[s]! < steps[s - 1]!) reject(`step offsets decrease at step ${s - 1}`);
  }
  if (steps[steps.length - 1] !== count) reject(`last step offset is ${steps[steps.length - 1]}, expected ${count} (the number of spikes)`);
}

/** A batch's typed vectors (codec None), written before its table: a FlatBuffer is built back to front. */
function typedVectors(builder: flatbuffers.Builder, batch: MessageBatch): BatchVectors {
  return {
    ids: batch.ids ? addTypedVector(builder, batch.ids) : 0,
    stepOffsets: batch.kind === 'spikes' ? addTypedVector(builder, batch.stepOffsets) : 0,
    values: 'values' in batch ? addTypedVector(builder, batch.values) : 0,
  };
}

/**
 * A batch's fields into the table being built (the Frame's own batch at `base` FRAME_BATCH_BASE, a
 * Batch of `more` at BATCH_BASE). Fields at their schema default are left out: codec Parts, count
 * with codec Parts (the payload carries it), a route equal to the frame's workers, zeros.
 */
function addBatchFields(builder: flatbuffers.Builder, base: number, batch: MessageBatch, vectors: BatchVectors, header: FrameHeader): void {
  const index = (slot: number): number => fieldIndex(base, slot);
  const parts = vectors.encoded !== undefined;
  // largest first: fewer padding bytes between fields
  if (parts) builder.addFieldOffset(index(BATCH_FIELD.encoded), vectors.encoded!, 0);
  if (vectors.ids !== 0) builder.addFieldOffset(index(BATCH_FIELD.ids), vectors.ids, 0);
  if (vectors.stepOffsets !== 0) builder.addFieldOffset(index(BATCH_FIELD.stepOffsets), vectors.stepOffsets, 0);
  if (vectors.values !== 0) {
    const slot = batch.kind === 'values-f64' ? BATCH_FIELD.f64Values : batch.kind === 'values-i32' ? BATCH_FIELD.i32Values : BATCH_FIELD.u64Values;
    builder.addFieldOffset(index(slot), vectors.values, 0);
  }
  if (!parts) builder.addFieldInt32(index(BATCH_FIELD.count), batchCount(batch), 0);
  if (batch.kind === 'limbs-u64') builder.addFieldInt32(index(BATCH_FIELD.rowWidth), batch.rowWidth, 0);
  if (batch.kind === 'spikes') builder.addFieldInt32(index(BATCH_FIELD.firstStep), batch.firstStep ?? 0, 0);
  const route = (partition: number, worker: number): number => (partition === worker ? SAME_AS_WORKER : partition);
  builder.addFieldInt32(index(BATCH_FIELD.sourcePartition), route(batch.sourcePartition, header.sourceWorker), SAME_AS_WORKER);
  builder.addFieldInt32(index(BATCH_FIELD.destinationPartition), route(batch.destinationPartition, header.destinationWorker), SAME_AS_WORKER);
  builder.addFieldInt8(index(BATCH_FIELD.kind), KIND_CODES[batch.kind], KindCode.ValuesF64);
  builder.addFieldInt8(index(BATCH_FIELD.codec), parts ? Codec.Parts : Codec.None, DEFAULT_CODEC);
}

/**
 * Decode and validate a frame (checks in the module comment). `expect` names what the receiver
 * waits for. Costs one CRC-32 pass (about 1 GB/s), O(1) per batch plus O(steps) for spike batches
 * and O(ids) with `expect.listLength`; one copy of the whole frame when it is not 8-byte aligned.
 */
export function decodeFrame(input: Uint8Array, expect: FrameExpectation = {}): DecodedFrame {
  // The batch being read, so that errors name `batches[i].field` without building that string
  // for every field of every batch.
  let batchIndex = -1;
  const where = (field: string): string => (batchIndex >= 0 ? `batches[${batchIndex}].${field}` : field);
  const reject = (code: ErrorCode, problem: string, field: string, offset?: number): never => {
    const named = where(field);
    const at = offset === undefined ? '' : ` (byte ${offset})`;
    throw new TransportError(code, `frame: ${named}: ${problem}${at}`, { field: named, offset, problem });
  };
  const corrupt = (problem: string, field: string, offset?: number): never => reject(ErrorCode.FRAME_CORRUPT, problem, field, offset);
  const unexpected = (problem: string, field: string): never => reject(ErrorCode.FRAME_UNEXPECTED, problem, field);
  const rejects: Rejects = { corrupt, unexpected, unsupported: (problem, field) => reject(ErrorCode.FRAME_UNSUPPORTED, problem, field) };

  if (!(input instanceof Uint8Array)) corrupt(`a frame is a Uint8Array, got ${Object.prototype.toString.call(input)}`, 'bytes');
  // 1. Alignment, identifier, the header struct.
  const frame = openFrame(input, FRAME_IDENTIFIER, 'a frame', corrupt);
  const { view } = frame;
  const at = frame.required(HEADER_SLOT, 'header', HEADER.bytes);
  const formatVersion = view.getUint8(at + HEADER.formatVersion);
  const header: FrameHeader = {
    runChecksum: view.getUint32(at + HEADER.runChecksum, true),
    superstep: view.getUint32(at + HEADER.superstep, true),
    phase: view.getUint8(at + HEADER.phase),
    sourceWorker: view.getUint16(at + HEADER.sourceWorker, true),
    destinationWorker: view.getUint16(at + HEADER.destinationWorker, true),
  };
  // 2-3. Checksum before any content is believed (so a flipped version byte reads as corruption).
  // Version 1 kept its version in a u32 field where version 2 keeps the header (its low byte lands
  // on the version byte) and its checksum elsewhere: such a frame fails here, and the message says
  // what it probably is.
  try {
    frame.verifyChecksum(at + HEADER.checksum, 'frame');
  } catch (error) {
    if (formatVersion === 1 && error instanceof TransportError) corrupt(`${String(error.details.problem)} (a format version 1 frame? this reader knows only ${FRAME_FORMAT_VERSION})`, 'checksum', at + HEADER.checksum);
    throw error;
  }
  if (formatVersion !== FRAME_FORMAT_VERSION) {
    rejects.unsupported(`format version ${formatVersion} is not supported (this reader knows ${FRAME_FORMAT_VERSION})`, 'format_version');
  }
  // 4. The frame the receiver waits for.
  const names: Record<keyof FrameHeader, string> = {
    runChecksum: 'run_checksum',
    superstep: 'superstep',
    phase: 'phase',
    sourceWorker: 'source_worker',
    destinationWorker: 'destination_worker',
  };
  for (const key of Object.keys(names) as (keyof FrameHeader)[]) {
    const wanted = expect[key];
    if (wanted !== undefined && wanted !== header[key]) unexpected(`is ${header[key]}, the receiver expects ${wanted}`, names[key]);
  }

  // 5. Batches: the frame's own, then `more`. The vector's count is bounded by the byte length
  // (4 bytes an offset), so the array below can never be sized by a hostile length.
  const list = frame.vector(MORE_SLOT, 'more', 4);
  const total = 1 + (list ? list.count : 0);
  const batches: MessageBatch[] = [];
  for (let index = 0; index < total; index++) {
    batchIndex = index;
    const table = index === 0 ? frame.root : frame.table(list!.start + 4 * (index - 1), 'table');
    const base = index === 0 ? FRAME_BATCH_BASE : BATCH_BASE;
    if (expect.only) {
      const route = batchRoute(frame, table, base, header);
      if (!expect.only(route.sourcePartition, route.destinationPartition)) continue;
    }
    batches.push(readBatch(frame, table, base, header, rejects, expect.listLength, expect.codecs));
  }
  return { formatVersion, ...header, batches };
}

/**
 * The superstep a frame's header names, read without checking the frame (-1 when the header cannot
 * be located inside the bytes): for a receiver that must skip frames of exchanges it did not read.
 * Decode the frame before believing anything else in it.
 */
export function peekSuperstep(bytes: Uint8Array): number {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8) return -1;
  const at = fieldPosition(bytes, HEADER_SLOT);
  if (at < 0 || at + HEADER.bytes > bytes.length) return -1;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at + HEADER.superstep, true);
}

/** The three ways decodeFrame rejects (one error code each); they name the batch being read. */
interface Rejects {
  corrupt: (problem: string, field: string, offset?: number) => never;
  unsupported: (problem: string, field: string) => never;
  unexpected: (problem: string, field: string) => never;
}

/** A batch's route: its partition fields, absent ones being the frame's workers. */
function batchRoute(frame: OpenedFrame, table: number, base: number, header: FrameHeader): { sourcePartition: number; destinationPartition: number } {
  const source = batchScalar(frame, table, base + BATCH_FIELD.sourcePartition, 'source_partition', 4, SAME_AS_WORKER);
  const destination = batchScalar(frame, table, base + BATCH_FIELD.destinationPartition, 'destination_partition', 4, SAME_AS_WORKER);
  return { sourcePartition: source === SAME_AS_WORKER ? header.sourceWorker : source, destinationPartition: destination === SAME_AS_WORKER ? header.destinationWorker : destination };
}

function readBatch(frame: OpenedFrame, table: number, base: number, header: FrameHeader, rejects: Rejects, listLength: FrameExpectation['listLength'], codecs?: PayloadCodec): MessageBatch {
  const { bytes } = frame;
  const { corrupt, unexpected } = rejects;
  // Module-level helpers rather than closures: this runs once per batch, 10,000s of times a frame.
  const { sourcePartition, destinationPartition } = batchRoute(frame, table, base, header);
  const kind = batchScalar(frame, table, base + BATCH_FIELD.kind, 'kind', 1, 0);
  const count = batchScalar(frame, table, base + BATCH_FIELD.count, 'count', 4, 0);
  const rowWidth = batchScalar(frame, table, base + BATCH_FIELD.rowWidth, 'row_width', 4, 0);
  const firstStep = batchScalar(frame, table, base + BATCH_FIELD.firstStep, 'first_step', 4, 0);
  const codec = batchScalar(frame, table, base + BATCH_FIELD.codec, 'codec', 1, DEFAULT_CODEC);
  if (kind > KindCode.IdsOnly) corrupt(`unknown batch kind ${kind}`, 'kind', table);
  if (kind !== KindCode.Spikes && firstStep !== 0) corrupt(`first_step ${firstStep} in a batch that is not Spikes`, 'first_step');
  if (codec === Codec.Parts) {
    if (!codecs || !listLength) rejects.unsupported('codec Parts needs the receiver\'s codecs and list lengths', 'codec');
    if (count !== 0) corrupt(`count ${count} in a batch whose codec is Parts (its parts carry the counts)`, 'count');
    return readEncodedBatch(frame, table, base, rejects, { sourcePartition, destinationPartition, kind, rowWidth, firstStep }, listLength!, codecs!);
  }
  if (codec !== Codec.None) rejects.unsupported(`codec ${codec} is not supported (this reader knows None and Parts)`, 'codec');
  if (frame.position(base + BATCH_FIELD.encoded, 'encoded', 4, table) >= 0) corrupt('an encoded payload in a batch whose codec is None', 'encoded');
  if (kind !== KindCode.LimbsU64 && rowWidth !== 0) corrupt(`row_width ${rowWidth} in a batch that is not LimbsU64`, 'row_width');

  const isValues = kind === KindCode.ValuesF64 || kind === KindCode.ValuesI32 || kind === KindCode.LimbsU64;
  // ids: optional for value kinds (absent = dense), required otherwise.
  const idSpan = frame.vector(base + BATCH_FIELD.ids, 'ids', 4, table);
  if (!idSpan && !isValues) corrupt(`required array is missing (expected ${count} elements)`, 'ids');
  if (idSpan && idSpan.count !== count) corrupt(`array has ${idSpan.count} elements, expected count = ${count}`, 'ids', idSpan.start);
  const ids = idSpan ? new Uint32Array(bytes.buffer, bytes.byteOffset + idSpan.start, count) : null;

  if (kind === KindCode.LimbsU64 && rowWidth === 0) corrupt('row_width is 0 in a LimbsU64 batch', 'row_width');
  // count × rowWidth may exceed 2^32 (even 2^53, inexact); it can only equal a vector count that
  // lies inside the buffer when it is exactly that count.
  const f64 = batchArray(frame, table, Float64Array, base + BATCH_FIELD.f64Values, 'f64_values', kind === KindCode.ValuesF64 ? count : null, corrupt);
  const i32 = batchArray(frame, table, Int32Array, base + BATCH_FIELD.i32Values, 'i32_values', kind === KindCode.ValuesI32 ? count : null, corrupt);
  const u64 = batchArray(frame, table, BigUint64Array, base + BATCH_FIELD.u64Values, 'u64_values', kind === KindCode.LimbsU64 ? count * rowWidth : null, corrupt);
  const stepSpan = frame.vector(base + BATCH_FIELD.stepOffsets, 'step_offsets', 4, table);
  let stepOffsets: Uint32Array | null = null;
  if (kind === KindCode.Spikes) {
    if (!stepSpan || stepSpan.count === 0) corrupt('a spike batch needs steps + 1 step offsets', 'step_offsets');
    stepOffsets = new Uint32Array(bytes.buffer, bytes.byteOffset + stepSpan!.start, stepSpan!.count);
    checkStepOffsets(stepOffsets, count, (problem) => corrupt(problem, 'step_offsets', stepSpan!.start));
  } else if (stepSpan) {
    corrupt('array is present but the batch kind has none', 'step_offsets', stepSpan.start);
  }

  if (listLength) {
    const agreed = listLength(sourcePartition, destinationPartition);
    if (!(Number.isInteger(agreed) && agreed >= 0)) unexpected(`no batch is expected from partition ${sourcePartition} to partition ${destinationPartition}`, 'destination_partition');
    if (isValues && !ids && count !== agreed) unexpected(`a dense batch of ${count} elements for a send list of ${agreed}`, 'count');
    if (ids) {
      for (let i = 0; i < count; i++) {
        if (ids[i]! >= agreed) unexpected(`id ${ids[i]} at ${i} is not below the send list length ${agreed}`, 'ids');
      }
    }
  }

  const route = { sourcePartition, destinationPartition };
  switch (kind) {
    case KindCode.ValuesF64:
      return { kind: 'values-f64', ...route, values: f64!, ids };
    case KindCode.ValuesI32:
      return { kind: 'values-i32', ...route, values: i32!, ids };
    case KindCode.LimbsU64:
      return { kind: 'limbs-u64', ...route, rowWidth, values: u64!, ids };
    case KindCode.Spikes:
      return { kind: 'spikes', ...route, stepOffsets: stepOffsets!, ids: ids!, firstStep };
    default:
      return { kind: 'ids', ...route, ids: ids! };
  }
}

const KIND_NAMES: BatchKind[] = ['values-f64', 'values-i32', 'limbs-u64', 'spikes', 'ids'];

/**
 * A codec Parts batch: no typed vectors, the `encoded` payload decoded by `codecs` (which checks it
 * as hostile input: TransportError E_CODEC_CORRUPT), then the list checks of a plain batch.
 */
function readEncodedBatch(
  frame: OpenedFrame,
  table: number,
  base: number,
  rejects: Rejects,
  scalars: { sourcePartition: number; destinationPartition: number; kind: number; rowWidth: number; firstStep: number },
  listLength: (source: number, destination: number) => number,
  codecs: PayloadCodec,
): MessageBatch {
  const { corrupt, unexpected } = rejects;
  const { sourcePartition, destinationPartition, kind, rowWidth, firstStep } = scalars;
  for (const [slot, field] of [
    [BATCH_FIELD.ids, 'ids'],
    [BATCH_FIELD.stepOffsets, 'step_offsets'],
    [BATCH_FIELD.f64Values, 'f64_values'],
    [BATCH_FIELD.i32Values, 'i32_values'],
    [BATCH_FIELD.u64Values, 'u64_values'],
  ] as const) {
    if (frame.position(base + slot, field, 4, table) >= 0) corrupt('a typed vector in a batch whose codec is Parts', field);
  }
  if (kind === KindCode.LimbsU64 ? rowWidth === 0 : rowWidth !== 0) corrupt(`row_width ${rowWidth} does not fit the batch kind`, 'row_width');
  const span = frame.vector(base + BATCH_FIELD.encoded, 'encoded', 1, table);
  if (!span) return corrupt('required array is missing (codec Parts)', 'encoded');
  const agreed = listLength(sourcePartition, destinationPartition);
  if (!(Number.isInteger(agreed) && agreed >= 0)) unexpected(`no batch is expected from partition ${sourcePartition} to partition ${destinationPartition}`, 'destination_partition');
  const name = KIND_NAMES[kind]!;
  const encoded = frame.bytes.subarray(span.start, span.start + span.count);
  const width = kind === KindCode.LimbsU64 ? rowWidth : 1;
  const payload = codecs.decodePayload(name, encoded, codecs.payloadCount(name, encoded, width), agreed, width);
  const route = { sourcePartition, destinationPartition };
  switch (name) {
    case 'values-f64':
      return { kind: name, ...route, values: payload.values as Float64Array, ids: payload.ids };
    case 'values-i32':
      return { kind: name, ...route, values: payload.values as Int32Array, ids: payload.ids };
    case 'limbs-u64':
      return { kind: name, ...route, rowWidth, values: payload.values as BigUint64Array, ids: payload.ids };
    case 'spikes':
      return { kind: name, ...route, stepOffsets: payload.stepOffsets!, ids: payload.ids!, firstStep };
    default:
      return { kind: 'ids', ...route, ids: payload.ids! };
  }
}

/** A scalar field of a batch table, `absent` (the schema's default) when absent. */
function batchScalar(frame: OpenedFrame, table: number, slot: number, field: string, size: 1 | 4, absent: number): number {
  const at = frame.position(slot, field, size, table);
  return at < 0 ? absent : size === 1 ? frame.view.getUint8(at) : frame.view.getUint32(at, true);
}

type ArrayType<T> = { new (buffer: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number };

/** The payload vector at `slot` as a view: exactly `expected` elements when the kind needs it, absent (null) when not. */
function batchArray<T>(frame: OpenedFrame, table: number, Type: ArrayType<T>, slot: number, field: string, expected: number | null, corrupt: Rejects['corrupt']): T | null {
  const found = frame.vector(slot, field, Type.BYTES_PER_ELEMENT, table);
  if (!found) {
    if (expected !== null) corrupt(`required array is missing (expected ${expected} elements)`, field);
    return null;
  }
  if (expected === null) corrupt('array is present but the batch kind has none', field, found.start);
  if (found.count !== expected) corrupt(`array has ${found.count} elements, expected ${expected}`, field, found.start);
  return new Type(frame.bytes.buffer, frame.bytes.byteOffset + found.start, found.count);
}
