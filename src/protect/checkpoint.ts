/**
 * Checkpoints: the FlatBuffer of schemas/checkpoint.fbs that holds a distributed run at a
 * superstep boundary (issue 6 item 1): every partition's named state regions as typed arrays,
 * the messages in flight, the global aggregators and small settings, stamped with the run id,
 * algorithm, superstep, the plan's checksum and the worker and partition counts.
 *
 * Encoding copies each region into the builder in one bulk copy (addTypedVector): the regions
 * may be views of the shared WebAssembly memory, and encodeCheckpoint returning is the moment the
 * snapshot is taken, so workers may run on as soon as it returns. Then one CRC-32 pass (about
 * 1 GB/s) over the whole buffer.
 *
 * Decoding treats the bytes as untrusted (a disk flips or truncates them, a directory holds
 * another run's) and checks, in this order, before it believes anything:
 *   1. size, identifier "NMC1", root table, vtable and every header field lie inside the buffer;
 *   2. the CRC-32 of the whole buffer (checksum field read as zero): any flipped byte fails here;
 *   3. the format version;
 *   4. the reader's expectation: run id, algorithm, superstep, plan checksum, worker and partition
 *      counts, and with `allPartitions` that every partition is present;
 *   5. every table: vectors inside the buffer and aligned (counts bounded by the byte length
 *      before anything is allocated), names (1 to 255 bytes of UTF-8, unique), element types,
 *      exactly the one data vector a region's type names, partition indices increasing and below
 *      the partition count, message routes, settings (a JSON object of at most 1 MiB).
 * Failures are CheckpointCorruptErrors: E_CHECKPOINT_CORRUPT (1, 2, 5), E_CHECKPOINT_UNSUPPORTED
 * (3), E_CHECKPOINT_MISMATCH (4), with `details.field` and `details.offset` (the byte position of
 * the problem) when known. Every loop is bounded by the buffer's length.
 *
 * Decoded arrays are zero-copy views onto the checkpoint's bytes (onto an aligned copy when the
 * input was not 8-byte aligned, e.g. a Node Buffer from the pool): restoring copies them into
 * shared memory; `.slice()` one to keep it past the bytes' reuse.
 */
import * as flatbuffers from 'flatbuffers';
import { CheckpointCorruptError, ErrorCode, OptionsError, ResourceError } from '../errors.js';
import { addTypedVector, checksumOf, fieldPosition, hex, openFrame, type OpenedFrame } from '../flatbuffers.js';
import {
  Aggregator as AggregatorTable,
  AggregatorKind,
  Checkpoint as CheckpointTable,
  MessagesInFlight as MessagesTable,
  Partition as PartitionTable,
  Region as RegionTable,
} from '../generated/checkpoint_generated.js';

/** The checkpoint format this code writes and the only one it reads. */
export const CHECKPOINT_FORMAT_VERSION = 1;
export const CHECKPOINT_IDENTIFIER = 'NMC1';
/** Longest region, aggregator, channel, run id and algorithm name, in UTF-8 bytes. */
export const MAX_CHECKPOINT_NAME_BYTES = 255;
/** Longest settings JSON, in UTF-8 bytes: settings are small metadata, not state. */
export const MAX_CHECKPOINT_SETTINGS_BYTES = 1 << 20;

/** A region's element type (schemas/checkpoint.fbs ElementType, in the same order). */
export type RegionElementType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64' | 'f32' | 'f64';
export type RegionData =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

type RegionArrayType = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): RegionData;
  readonly BYTES_PER_ELEMENT: number;
};
// Index = the schema's ElementType code; the vector of code e sits at vtable slot 8 + 2e.
const ELEMENT_TYPES: readonly RegionElementType[] = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'f32', 'f64'];
const ARRAY_TYPES: readonly RegionArrayType[] = [
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  BigUint64Array,
  BigInt64Array,
  Float32Array,
  Float64Array,
];

/** Bytes per element of a region type. */
export function elementBytes(type: RegionElementType): number {
  return ARRAY_TYPES[ELEMENT_TYPES.indexOf(type)]!.BYTES_PER_ELEMENT;
}

/** `bytes` seen as the typed array of `type` (a view, no copy; the length must be a multiple of its size). */
export function regionArray(type: RegionElementType, bytes: Uint8Array): RegionData {
  const Type = ARRAY_TYPES[ELEMENT_TYPES.indexOf(type)]!;
  return new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / Type.BYTES_PER_ELEMENT);
}

/** One named state region of a partition. `data` may be a view of shared memory. */
export interface RegionSnapshot {
  name: string;
  data: RegionData;
}

export interface PartitionSnapshot {
  /** the partition's index in the plan */
  partition: number;
  regions: readonly RegionSnapshot[];
}

/** A global aggregator: a double, or opaque bytes (an exact-sum accumulator, a bitmap). */
export type AggregatorValue = { name: string; value: number } | { name: string; bytes: Uint8Array };

/** Messages sent and not yet received at the boundary, as the runtime's opaque bytes. */
export interface MessagesInFlight {
  sourcePartition: number;
  destinationPartition: number;
  /** which mailbox or message kind; '' when there is one */
  channel?: string;
  data: Uint8Array;
}

/** Small free-form metadata (the program's settings, the interval, a timestamp). */
export type CheckpointSettings = Record<string, number | string | boolean>;

/** What identifies a checkpoint: whose it is and where in the run. All numbers are u32. */
export interface CheckpointHeader {
  runId: string;
  algorithm: string;
  /** supersteps completed at the boundary */
  superstep: number;
  /** the caller's checksum of the partition plan */
  planChecksum: number;
  workerCount: number;
  partitionCount: number;
}

export interface Checkpoint extends CheckpointHeader {
  /** in increasing partition order, each at most once (a subset is allowed) */
  partitions: readonly PartitionSnapshot[];
  aggregators?: readonly AggregatorValue[];
  messages?: readonly MessagesInFlight[];
  settings?: CheckpointSettings;
}

/** A region as decoded: its data is a view of the checkpoint's bytes. */
export interface DecodedRegion extends RegionSnapshot {
  elementType: RegionElementType;
}

export interface DecodedCheckpoint extends CheckpointHeader {
  formatVersion: number;
  /** the checkpoint's size in bytes */
  byteLength: number;
  partitions: { partition: number; regions: DecodedRegion[] }[];
  aggregators: AggregatorValue[];
  messages: Required<MessagesInFlight>[];
  settings: CheckpointSettings;
}

/** What the reader expects; every field given must match (E_CHECKPOINT_MISMATCH otherwise). */
export interface CheckpointExpectation extends Partial<CheckpointHeader> {
  /** every partition 0 .. partitionCount - 1 must be present (a global restore) */
  allPartitions?: boolean;
}

// Field slots in the vtables: 4 + 2 × (field index in schemas/checkpoint.fbs). The reader checks
// each field before it reads it, so it reads by position rather than through generated accessors.
const CHECKPOINT_SLOT = {
  formatVersion: 4,
  checksum: 6,
  runId: 8,
  algorithm: 10,
  superstep: 12,
  planChecksum: 14,
  workerCount: 16,
  partitionCount: 18,
  partitions: 20,
  aggregators: 22,
  messages: 24,
  settings: 26,
} as const;
const REGION_SLOT = { name: 4, elementType: 6, firstValues: 8 } as const;
const PARTITION_SLOT = { index: 4, regions: 6 } as const;
const AGGREGATOR_SLOT = { name: 4, kind: 6, value: 8, bytes: 10 } as const;
const MESSAGES_SLOT = { sourcePartition: 4, destinationPartition: 6, channel: 8, data: 10 } as const;

const U32_MAX = 0xffff_ffff;
/** The builder's buffer cannot grow past 2 GiB (flatbuffers runtime). */
const MAX_CHECKPOINT_BYTES = 0x7fff_ffff;
/** Per table: the table, its vtable, its offset in a vector, vector headers and padding. */
const TABLE_OVERHEAD_BYTES = 96;

const utf8 = new TextEncoder();

/**
 * A reusable encoding buffer. Writing into fresh memory costs a page fault per 4 KiB page: on the
 * development machine a 64 MiB copy into a new buffer took 700 ms against 15 ms into one already
 * touched, so a runtime that checkpoints again and again encodes into the same buffer. What
 * encodeCheckpoint returns with a scratch is a view of that buffer: valid until the next encode
 * with the same scratch (write it out first).
 */
export class CheckpointScratch {
  /** @internal the builder whose buffer is reused; grown when a checkpoint does not fit */
  builder: flatbuffers.Builder | null = null;
}

/**
 * Encode a checkpoint. Validates shape (u32 ranges, names, unique names, partition order, routes,
 * settings) and refuses a bad one with an OptionsError naming the field; a checkpoint over 2 GiB
 * is a ResourceError (E_MEMORY). The region data are copied before this returns (see the module
 * comment). The result is 8-byte aligned in its buffer. Costs one copy of the data plus one CRC-32
 * pass (about 1 GB/s); with `scratch`, the result is a view of the scratch's buffer (see there).
 */
export function encodeCheckpoint(checkpoint: Checkpoint, scratch?: CheckpointScratch): Uint8Array {
  const estimate = checkCheckpoint(checkpoint);
  if (estimate > MAX_CHECKPOINT_BYTES) {
    throw new ResourceError(ErrorCode.MEMORY, `checkpoint: about ${estimate} bytes exceeds the 2 GiB one checkpoint can hold`, { bytes: estimate });
  }
  // A multiple of 8, so that the finished buffer (which ends at the builder's end) starts 8-aligned.
  const capacity = Math.ceil(estimate / 8) * 8;
  let builder: flatbuffers.Builder;
  if (scratch?.builder && scratch.builder.dataBuffer().capacity() >= capacity && scratch.builder.dataBuffer().capacity() % 8 === 0) {
    // clear() keeps the buffer; the builder writes every byte of the result (padding included), so
    // what an earlier checkpoint left there cannot leak into this one.
    builder = scratch.builder;
    builder.clear();
  } else {
    builder = new flatbuffers.Builder(capacity);
    if (scratch) scratch.builder = builder;
  }
  // Every scalar is written even when it equals its default: the checksum needs a position, and
  // an aggregator of -0 must not come back as the default +0.
  builder.forceDefaults(true);

  const partitions = checkpoint.partitions.map((snapshot) => {
    const regions = snapshot.regions.map((region) => writeRegion(builder, region));
    const regionVector = PartitionTable.createRegionsVector(builder, regions);
    PartitionTable.startPartition(builder);
    PartitionTable.addIndex(builder, snapshot.partition);
    PartitionTable.addRegions(builder, regionVector);
    return PartitionTable.endPartition(builder);
  });
  const partitionVector = CheckpointTable.createPartitionsVector(builder, partitions);
  const aggregators = (checkpoint.aggregators ?? []).map((aggregator) => {
    const bytes = 'bytes' in aggregator ? addTypedVector(builder, aggregator.bytes) : 0;
    const name = builder.createString(aggregator.name);
    AggregatorTable.startAggregator(builder);
    AggregatorTable.addName(builder, name);
    AggregatorTable.addKind(builder, 'bytes' in aggregator ? AggregatorKind.Bytes : AggregatorKind.F64);
    AggregatorTable.addValue(builder, 'value' in aggregator ? aggregator.value : 0);
    if (bytes !== 0) AggregatorTable.addBytes(builder, bytes);
    return AggregatorTable.endAggregator(builder);
  });
  const aggregatorVector = CheckpointTable.createAggregatorsVector(builder, aggregators);
  const messages = (checkpoint.messages ?? []).map((blob) => {
    const data = addTypedVector(builder, blob.data);
    const channel = builder.createString(blob.channel ?? '');
    MessagesTable.startMessagesInFlight(builder);
    MessagesTable.addSourcePartition(builder, blob.sourcePartition);
    MessagesTable.addDestinationPartition(builder, blob.destinationPartition);
    MessagesTable.addChannel(builder, channel);
    MessagesTable.addData(builder, data);
    return MessagesTable.endMessagesInFlight(builder);
  });
  const messageVector = CheckpointTable.createMessagesVector(builder, messages);
  const runId = builder.createString(checkpoint.runId);
  const algorithm = builder.createString(checkpoint.algorithm);
  const settings = builder.createString(JSON.stringify(checkpoint.settings ?? {}));

  CheckpointTable.startCheckpoint(builder);
  CheckpointTable.addFormatVersion(builder, CHECKPOINT_FORMAT_VERSION);
  CheckpointTable.addChecksum(builder, 0);
  CheckpointTable.addRunId(builder, runId);
  CheckpointTable.addAlgorithm(builder, algorithm);
  CheckpointTable.addSuperstep(builder, checkpoint.superstep);
  CheckpointTable.addPlanChecksum(builder, checkpoint.planChecksum);
  CheckpointTable.addWorkerCount(builder, checkpoint.workerCount);
  CheckpointTable.addPartitionCount(builder, checkpoint.partitionCount);
  CheckpointTable.addPartitions(builder, partitionVector);
  CheckpointTable.addAggregators(builder, aggregatorVector);
  CheckpointTable.addMessages(builder, messageVector);
  CheckpointTable.addSettings(builder, settings);
  CheckpointTable.finishCheckpointBuffer(builder, CheckpointTable.endCheckpoint(builder));

  // The builder's buffer ends with the checkpoint; when the estimate held, the checkpoint fills
  // nearly all of it and a view costs nothing. Otherwise (or if misaligned) copy it out.
  let bytes = builder.asUint8Array();
  if (bytes.byteOffset % 8 !== 0 || (!scratch && bytes.byteOffset > (bytes.length >>> 3) + 4096)) bytes = bytes.slice();
  // A builder that had to grow has a new buffer: keep that one for next time.
  if (scratch) scratch.builder = builder;
  const checksumAt = fieldPosition(bytes, CHECKPOINT_SLOT.checksum);
  if (checksumAt < 0) throw new Error('internal: checkpoint checksum field missing');
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(checksumAt, checksumOf(bytes, checksumAt), true);
  return bytes;
}

function writeRegion(builder: flatbuffers.Builder, region: RegionSnapshot): number {
  const code = elementTypeCode(region.data);
  const values = addTypedVector(builder, region.data);
  const name = builder.createString(region.name);
  RegionTable.startRegion(builder);
  RegionTable.addName(builder, name);
  RegionTable.addElementType(builder, code);
  builder.addFieldOffset(REGION_SLOT.firstValues / 2 - 2 + code, values, 0);
  return RegionTable.endRegion(builder);
}

/** The schema's ElementType code of a typed array, -1 for anything else. */
function elementTypeCode(data: unknown): number {
  for (let code = 0; code < ARRAY_TYPES.length; code++) {
    // Exact constructor: a Uint8ClampedArray or a subclass is not silently reinterpreted.
    if (data !== null && typeof data === 'object' && (data as object).constructor === ARRAY_TYPES[code]) return code;
  }
  return -1;
}

/** Validate a checkpoint for encoding; returns an upper bound of its encoded size in bytes. */
function checkCheckpoint(checkpoint: Checkpoint): number {
  const refuse = (field: string, rule: string, got?: unknown): never => {
    throw new OptionsError(`checkpoint.${field}`, rule, got);
  };
  const unsigned = (value: unknown, field: string, minimum = 0): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > U32_MAX) {
      refuse(field, `must be an integer from ${minimum} to 2^32 - 1`, value);
    }
    return value as number;
  };
  const name = (value: unknown, field: string, minimumBytes = 1): number => {
    if (typeof value !== 'string') return refuse(field, 'must be a string', typeof value);
    const bytes = utf8.encode(value).length;
    if (bytes < minimumBytes || bytes > MAX_CHECKPOINT_NAME_BYTES) refuse(field, `must be ${minimumBytes} to ${MAX_CHECKPOINT_NAME_BYTES} bytes of UTF-8`, value);
    return bytes + 8;
  };
  if (checkpoint === null || typeof checkpoint !== 'object') return refuse('', 'must be an object', checkpoint);
  let estimate = 512 + name(checkpoint.runId, 'runId', 0) + name(checkpoint.algorithm, 'algorithm');
  unsigned(checkpoint.superstep, 'superstep');
  unsigned(checkpoint.planChecksum, 'planChecksum');
  unsigned(checkpoint.workerCount, 'workerCount', 1);
  const partitionCount = unsigned(checkpoint.partitionCount, 'partitionCount', 1);

  if (!Array.isArray(checkpoint.partitions)) refuse('partitions', 'must be an array');
  let previous = -1;
  checkpoint.partitions.forEach((snapshot, p) => {
    const index = unsigned(snapshot?.partition, `partitions[${p}].partition`);
    if (index <= previous || index >= partitionCount) refuse(`partitions[${p}].partition`, `must increase and stay below partitionCount ${partitionCount}`, index);
    previous = index;
    if (!Array.isArray(snapshot.regions)) refuse(`partitions[${p}].regions`, 'must be an array');
    const seen = new Set<string>();
    snapshot.regions.forEach((region, r) => {
      const field = `partitions[${p}].regions[${r}]`;
      estimate += TABLE_OVERHEAD_BYTES + name(region?.name, `${field}.name`);
      if (seen.has(region.name)) refuse(`${field}.name`, 'must be unique within its partition', region.name);
      seen.add(region.name);
      if (elementTypeCode(region.data) < 0) refuse(`${field}.data`, `must be one of ${ARRAY_TYPES.map((Type) => Type.name).join(', ')}`, Object.prototype.toString.call(region.data));
      estimate += region.data.byteLength;
    });
    estimate += TABLE_OVERHEAD_BYTES;
  });

  const aggregators = checkpoint.aggregators ?? [];
  if (!Array.isArray(aggregators)) refuse('aggregators', 'must be an array');
  const aggregatorNames = new Set<string>();
  aggregators.forEach((aggregator, a) => {
    const field = `aggregators[${a}]`;
    estimate += TABLE_OVERHEAD_BYTES + name(aggregator?.name, `${field}.name`);
    if (aggregatorNames.has(aggregator.name)) refuse(`${field}.name`, 'must be unique', aggregator.name);
    aggregatorNames.add(aggregator.name);
    const hasValue = 'value' in aggregator;
    const hasBytes = 'bytes' in aggregator;
    if (hasValue === hasBytes) refuse(field, 'must have exactly one of value (a number) and bytes (a Uint8Array)');
    if (hasValue && typeof aggregator.value !== 'number') refuse(`${field}.value`, 'must be a number', typeof aggregator.value);
    if (hasBytes) {
      if (!(aggregator.bytes instanceof Uint8Array)) refuse(`${field}.bytes`, 'must be a Uint8Array');
      estimate += aggregator.bytes.byteLength;
    }
  });

  const messages = checkpoint.messages ?? [];
  if (!Array.isArray(messages)) refuse('messages', 'must be an array');
  messages.forEach((blob, m) => {
    const field = `messages[${m}]`;
    for (const key of ['sourcePartition', 'destinationPartition'] as const) {
      if (unsigned(blob?.[key], `${field}.${key}`) >= partitionCount) refuse(`${field}.${key}`, `must be below partitionCount ${partitionCount}`, blob[key]);
    }
    estimate += TABLE_OVERHEAD_BYTES + name(blob.channel ?? '', `${field}.channel`, 0);
    if (!(blob.data instanceof Uint8Array)) refuse(`${field}.data`, 'must be a Uint8Array');
    estimate += blob.data.byteLength;
  });

  const settings = checkpoint.settings ?? {};
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) refuse('settings', 'must be a plain object');
  for (const [key, value] of Object.entries(settings)) {
    const ok = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    // JSON has no NaN or Infinity: they would come back as null.
    if (!ok) refuse(`settings.${key}`, 'must be a finite number, a string or a boolean', value);
  }
  const settingsBytes = utf8.encode(JSON.stringify(settings)).length;
  if (settingsBytes > MAX_CHECKPOINT_SETTINGS_BYTES) refuse('settings', `must be at most ${MAX_CHECKPOINT_SETTINGS_BYTES} bytes as JSON`, settingsBytes);
  return estimate + settingsBytes + 8;
}

type Fail = (problem: string, field: string, offset?: number) => never;

/** A rejection with one of the checkpoint codes; `field` is the full path ("partitions[2].index"). */
function rejecter(code: ErrorCode): Fail {
  return (problem, field, offset) => {
    const at = offset === undefined ? '' : ` (byte ${offset})`;
    throw new CheckpointCorruptError(code, `checkpoint: ${field}: ${problem}${at}`, { field, offset, problem });
  };
}
const corrupt = rejecter(ErrorCode.CHECKPOINT_CORRUPT);

/**
 * Open a checkpoint and read its header (steps 1 of the module comment, no checksum: O(1)). For
 * stores that need the superstep before they write, and for listings; decodeCheckpoint is the
 * only way to believe the contents.
 */
export function readCheckpointHeader(input: Uint8Array): CheckpointHeader & { formatVersion: number } {
  return readHeader(openCheckpoint(input)).header;
}

function openCheckpoint(input: Uint8Array): OpenedFrame {
  if (!(input instanceof Uint8Array)) corrupt(`a checkpoint is a Uint8Array, got ${Object.prototype.toString.call(input)}`, 'bytes');
  return openFrame(input, CHECKPOINT_IDENTIFIER, 'a checkpoint', corrupt);
}

function readHeader(frame: OpenedFrame): { header: CheckpointHeader & { formatVersion: number }; checksumAt: number } {
  const { view } = frame;
  const u32 = (slot: number, field: string): number => view.getUint32(frame.required(slot, field, 4), true);
  const checksumAt = frame.required(CHECKPOINT_SLOT.checksum, 'checksum', 4);
  return {
    checksumAt,
    header: {
      formatVersion: u32(CHECKPOINT_SLOT.formatVersion, 'format_version'),
      runId: readName(frame, frame.root, CHECKPOINT_SLOT.runId, 'run_id', 0, MAX_CHECKPOINT_NAME_BYTES),
      algorithm: readName(frame, frame.root, CHECKPOINT_SLOT.algorithm, 'algorithm', 1, MAX_CHECKPOINT_NAME_BYTES),
      superstep: u32(CHECKPOINT_SLOT.superstep, 'superstep'),
      planChecksum: u32(CHECKPOINT_SLOT.planChecksum, 'plan_checksum'),
      workerCount: u32(CHECKPOINT_SLOT.workerCount, 'worker_count'),
      partitionCount: u32(CHECKPOINT_SLOT.partitionCount, 'partition_count'),
    },
  };
}

/** A required string field of 'minimum' to 'maximum' UTF-8 bytes, length checked before decoding. */
function readName(frame: OpenedFrame, table: number, slot: number, field: string, minimum: number, maximum: number): string {
  const fail = corrupt;
  const { bytes, view } = frame;
  const at = frame.required(slot, field, 4, table);
  const header = at + view.getUint32(at, true);
  if (header + 4 > bytes.length) fail('string lies outside the buffer', field, at);
  const count = view.getUint32(header, true);
  if (header + 4 + count + 1 > bytes.length) fail(`string of ${count} bytes runs past the end of the buffer`, field, header);
  if (count < minimum || count > maximum) fail(`string of ${count} bytes, expected ${minimum} to ${maximum}`, field, header);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(header + 4, header + 4 + count));
  } catch {
    return fail('string is not valid UTF-8', field, header + 4);
  }
}

/**
 * Decode and validate a checkpoint (checks in the module comment). `expect` names the run that
 * reads it. Costs one CRC-32 pass (about 1 GB/s) and O(1) per table (O(bytes) for settings); one
 * copy of the whole checkpoint when it is not 8-byte aligned. Arrays are views (module comment).
 */
export function decodeCheckpoint(input: Uint8Array, expect: CheckpointExpectation = {}): DecodedCheckpoint {
  // 1. Alignment, identifier, header fields (the writer forces every header field present).
  const frame = openCheckpoint(input);
  const { bytes, view } = frame;
  const { header, checksumAt } = readHeader(frame);
  // 2-3. Checksum before any content is believed (so a flipped version byte reads as corruption).
  frame.verifyChecksum(checksumAt, 'checkpoint');
  if (header.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    rejecter(ErrorCode.CHECKPOINT_UNSUPPORTED)(`format version ${header.formatVersion} is not supported (this reader knows ${CHECKPOINT_FORMAT_VERSION})`, 'format_version');
  }
  // 4. The checkpoint the reader expects.
  const mismatch = rejecter(ErrorCode.CHECKPOINT_MISMATCH);
  const names: Record<keyof CheckpointHeader, string> = {
    runId: 'run_id',
    algorithm: 'algorithm',
    superstep: 'superstep',
    planChecksum: 'plan_checksum',
    workerCount: 'worker_count',
    partitionCount: 'partition_count',
  };
  for (const key of Object.keys(names) as (keyof CheckpointHeader)[]) {
    const wanted = expect[key];
    if (wanted !== undefined && wanted !== header[key]) {
      const shown = (value: string | number): string => (key === 'planChecksum' ? hex(value as number) : JSON.stringify(value));
      mismatch(`is ${shown(header[key])}, the reader expects ${shown(wanted)}`, names[key]);
    }
  }
  if (header.workerCount === 0) corrupt('is 0', 'worker_count');
  if (header.partitionCount === 0) corrupt('is 0', 'partition_count');

  // 5. Contents. Vector counts are bounded by the byte length (4 bytes an offset), so no array
  // below can be sized by a hostile count.
  const partitionSpan = frame.vector(CHECKPOINT_SLOT.partitions, 'partitions', 4);
  if (!partitionSpan) return corrupt('required field is missing', 'partitions');
  const partitions: DecodedCheckpoint['partitions'] = new Array(partitionSpan.count);
  let previous = -1;
  for (let p = 0; p < partitionSpan.count; p++) {
    const field = `partitions[${p}]`;
    const table = frame.table(partitionSpan.start + 4 * p, field);
    const index = view.getUint32(frame.required(PARTITION_SLOT.index, `${field}.index`, 4, table), true);
    if (index <= previous || index >= header.partitionCount) corrupt(`partition ${index} is out of order or not below partition_count ${header.partitionCount}`, `${field}.index`, table);
    previous = index;
    partitions[p] = { partition: index, regions: readRegions(frame, table, field) };
  }
  if (expect.allPartitions && partitions.length !== header.partitionCount) {
    mismatch(`holds ${partitions.length} of ${header.partitionCount} partitions, the reader needs all`, 'partitions');
  }

  const aggregatorSpan = frame.vector(CHECKPOINT_SLOT.aggregators, 'aggregators', 4);
  const aggregators: AggregatorValue[] = new Array(aggregatorSpan?.count ?? 0);
  const aggregatorNames = new Set<string>();
  for (let a = 0; a < aggregators.length; a++) {
    const field = `aggregators[${a}]`;
    const table = frame.table(aggregatorSpan!.start + 4 * a, field);
    const name = readName(frame, table, AGGREGATOR_SLOT.name, `${field}.name`, 1, MAX_CHECKPOINT_NAME_BYTES);
    if (aggregatorNames.has(name)) corrupt(`duplicate name ${JSON.stringify(name)}`, `${field}.name`, table);
    aggregatorNames.add(name);
    const kind = view.getUint8(frame.required(AGGREGATOR_SLOT.kind, `${field}.kind`, 1, table));
    const value = view.getFloat64(frame.required(AGGREGATOR_SLOT.value, `${field}.value`, 8, table), true);
    const span = frame.vector(AGGREGATOR_SLOT.bytes, `${field}.bytes`, 1, table);
    if (kind === AggregatorKind.F64) {
      if (span) corrupt('bytes present in an F64 aggregator', `${field}.bytes`, span.start);
      aggregators[a] = { name, value };
    } else if (kind === AggregatorKind.Bytes) {
      if (!span) return corrupt('required field is missing', `${field}.bytes`, table);
      aggregators[a] = { name, bytes: bytes.subarray(span.start, span.start + span.count) };
    } else {
      corrupt(`unknown aggregator kind ${kind}`, `${field}.kind`, table);
    }
  }

  const messageSpan = frame.vector(CHECKPOINT_SLOT.messages, 'messages', 4);
  const messages: Required<MessagesInFlight>[] = new Array(messageSpan?.count ?? 0);
  for (let m = 0; m < messages.length; m++) {
    const field = `messages[${m}]`;
    const table = frame.table(messageSpan!.start + 4 * m, field);
    const route = (slot: number, name: string): number => {
      const partition = view.getUint32(frame.required(slot, `${field}.${name}`, 4, table), true);
      if (partition >= header.partitionCount) corrupt(`partition ${partition} is not below partition_count ${header.partitionCount}`, `${field}.${name}`, table);
      return partition;
    };
    const sourcePartition = route(MESSAGES_SLOT.sourcePartition, 'source_partition');
    const destinationPartition = route(MESSAGES_SLOT.destinationPartition, 'destination_partition');
    const channel = readName(frame, table, MESSAGES_SLOT.channel, `${field}.channel`, 0, MAX_CHECKPOINT_NAME_BYTES);
    const span = frame.vector(MESSAGES_SLOT.data, `${field}.data`, 1, table);
    if (!span) return corrupt('required field is missing', `${field}.data`, table);
    messages[m] = { sourcePartition, destinationPartition, channel, data: bytes.subarray(span.start, span.start + span.count) };
  }

  const settingsText = readName(frame, frame.root, CHECKPOINT_SLOT.settings, 'settings', 2, MAX_CHECKPOINT_SETTINGS_BYTES);
  const settings = parseSettings(settingsText);
  return { ...header, byteLength: bytes.length, partitions, aggregators, messages, settings };
}

function readRegions(frame: OpenedFrame, partitionTable: number, partitionField: string): DecodedRegion[] {
  const { bytes, view } = frame;
  const span = frame.vector(PARTITION_SLOT.regions, `${partitionField}.regions`, 4, partitionTable);
  if (!span) return corrupt('required field is missing', `${partitionField}.regions`, partitionTable);
  const regions: DecodedRegion[] = new Array(span.count);
  const seen = new Set<string>();
  for (let r = 0; r < span.count; r++) {
    const field = `${partitionField}.regions[${r}]`;
    const table = frame.table(span.start + 4 * r, field);
    const name = readName(frame, table, REGION_SLOT.name, `${field}.name`, 1, MAX_CHECKPOINT_NAME_BYTES);
    if (seen.has(name)) corrupt(`duplicate name ${JSON.stringify(name)}`, `${field}.name`, table);
    seen.add(name);
    const code = view.getUint8(frame.required(REGION_SLOT.elementType, `${field}.element_type`, 1, table));
    if (code >= ELEMENT_TYPES.length) corrupt(`unknown element type ${code}`, `${field}.element_type`, table);
    let data: RegionData | null = null;
    // Exactly the vector of the region's type: any other is a sign of a forged or damaged table.
    for (let other = 0; other < ELEMENT_TYPES.length; other++) {
      const Type = ARRAY_TYPES[other]!;
      const vectorField = `${field}.${ELEMENT_TYPES[other]}_values`;
      const values = frame.vector(REGION_SLOT.firstValues + 2 * other, vectorField, Type.BYTES_PER_ELEMENT, table);
      if (other === code) {
        if (!values) return corrupt('required field is missing', vectorField, table);
        data = new Type(bytes.buffer, bytes.byteOffset + values.start, values.count);
      } else if (values) {
        corrupt(`a ${ELEMENT_TYPES[other]} vector in a region of element type ${ELEMENT_TYPES[code]}`, vectorField, values.start);
      }
    }
    regions[r] = { name, elementType: ELEMENT_TYPES[code]!, data: data! };
  }
  return regions;
}

function parseSettings(text: string): CheckpointSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return corrupt('is not valid JSON', 'settings');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return corrupt('is not a JSON object', 'settings');
  // A fresh object without a prototype chain: a key like "__proto__" stays plain data.
  const settings: CheckpointSettings = Object.create(null) as CheckpointSettings;
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value !== 'string' && typeof value !== 'boolean' && typeof value !== 'number') corrupt(`value of ${JSON.stringify(key)} is not a number, string or boolean`, 'settings');
    settings[key] = value as number | string | boolean;
  }
  return settings;
}
