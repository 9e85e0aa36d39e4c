/**
 * FlatBuffers helpers shared by every file format and frame of neuromesh (graph snapshots,
 * partition metadata, and later message frames and checkpoints; shapes in schemas/*.fbs).
 *
 * The JavaScript FlatBuffers runtime has no verifier, so readers of untrusted bytes open them with
 * `openFrame` (aligned copy, identifier) and locate every field, vector and nested table through
 * it: each access checks the table, its vtable, the field entry and the vector's extent against
 * the buffer before anything is read, and the checksum is verified before content is believed. Writers copy typed arrays in bulk (`addTypedVector`): the
 * generated per-element builders are about 60× slower (STACK.md).
 */
import * as flatbuffers from 'flatbuffers';
import { crc32 } from './input/crc32.js';

type TypedArray = ArrayBufferView & { readonly length: number; readonly BYTES_PER_ELEMENT: number };

/** Append a typed array as a FlatBuffers vector with one bulk copy; returns its offset. */
export function addTypedVector(builder: flatbuffers.Builder, array: TypedArray): number {
  const size = array.BYTES_PER_ELEMENT;
  builder.startVector(size, array.length, size);
  // The builder writes back to front; `space` is where the next bytes end. It is private in the
  // typings, and it is exactly what createByteVector uses: reach it the same way.
  const inner = builder as unknown as { space: number };
  inner.space -= array.byteLength;
  builder.dataBuffer().bytes().set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), inner.space);
  return builder.endVector();
}

/** CRC-32 of `bytes` with the four checksum bytes at `at` read as zero. */
export function checksumOf(bytes: Uint8Array, at: number): number {
  let crc = crc32(bytes.subarray(0, at));
  crc = crc32(new Uint8Array(4), crc);
  return crc32(bytes.subarray(at + 4), crc);
}

/**
 * Absolute byte position of a root-table field (`slot` = the vtable offset flatc generates), -1
 * when the field is absent, -2 when the root table, its vtable or the field's entry do not lie
 * inside the buffer.
 */
export function fieldPosition(bytes: Uint8Array, slot: number): number {
  if (bytes.length < 8) return -2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return tableFieldPosition(view, bytes.length, view.getUint32(0, true), slot);
}

/** `fieldPosition` for the table at byte position `table` (the root or one reached through an offset). */
function tableFieldPosition(view: DataView, length: number, table: number, slot: number): number {
  if (table + 4 > length || table % 4 !== 0) return -2;
  const vtable = table - view.getInt32(table, true);
  if (vtable < 0 || vtable + 4 > length || vtable % 2 !== 0) return -2;
  const vtableBytes = view.getUint16(vtable, true);
  const tableBytes = view.getUint16(vtable + 2, true);
  if (vtableBytes < 4 || vtable + vtableBytes > length || table + tableBytes > length) return -2;
  if (slot + 2 > vtableBytes) return -1;
  const relative = view.getUint16(vtable + slot, true);
  if (relative === 0) return -1;
  if (relative >= tableBytes) return -2;
  return table + relative;
}

/**
 * A reader's way to reject a field: throws (typed by the caller), never returns. `offset` is the
 * byte position of the problem in the buffer, when one is known.
 */
export type Fail = (problem: string, field: string, offset?: number) => never;

/** The UTF-8 string whose offset is stored at `at`, bounds-checked. */
export function readString(bytes: Uint8Array, view: DataView, at: number, field: string, fail: Fail): string {
  const header = at + view.getUint32(at, true);
  if (header + 4 > bytes.length) fail(`${field} lies outside the buffer`, field);
  const count = view.getUint32(header, true);
  if (header + 4 + count > bytes.length) fail(`${field} runs past the end of the buffer`, field);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(header + 4, header + 4 + count));
  } catch {
    return fail(`${field} is not valid UTF-8`, field);
  }
}

/** A 32-bit value as 0x-prefixed hex, for checksum messages. */
export function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/** A vector found in an untrusted buffer: its element count and the byte position of element 0. */
export interface VectorSpan {
  start: number;
  count: number;
}

/**
 * An untrusted FlatBuffer opened by `openFrame`: its identifier is right and every accessor
 * checks offsets, lengths and alignment against the buffer before it returns a position, so a
 * reader that only reads through these never reads out of bounds. Positions are byte offsets
 * into `bytes`; each accessor rejects through the caller's `fail` (which names the field).
 */
export interface OpenedFrame {
  /** the bytes, 8-byte aligned in their buffer (the input itself, or an aligned copy of it) */
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** byte position of the root table (not yet checked: the accessors check it) */
  readonly root: number;
  /**
   * Position of a field of the table at `table` (default the root) that is `size` bytes long,
   * or -1 when the field is absent. Fails when the table, its vtable or the field lie outside
   * the buffer.
   */
  position(slot: number, field: string, size: number, table?: number): number;
  /** `position` for a field that must be present. */
  required(slot: number, field: string, size: number, table?: number): number;
  /** A vector field, or null when absent: inside the buffer and aligned to `elementBytes`. */
  vector(slot: number, field: string, elementBytes: number, table?: number): VectorSpan | null;
  /** The table an offset stored at `at` points to (an element of a vector of tables), checked. */
  table(at: number, field: string): number;
  /**
   * Check the CRC-32 stored at `at` against the whole buffer with those four bytes read as zero
   * (src/flatbuffers.ts checksumOf). `subject` names the buffer in the message ("file", "frame").
   */
  verifyChecksum(at: number, subject: string): void;
}

/**
 * Open an untrusted FlatBuffer (snapshot, partition metadata, message frame, checkpoint): copy it
 * to an 8-byte aligned buffer when it is not aligned (a Node Buffer from the pool, a slice of a
 * network payload: zero-copy typed views need vectors aligned in memory), then check its size
 * and file identifier. `what` completes "N bytes is too short to be ..." ("a snapshot").
 * Costs one copy for unaligned input, O(1) otherwise; the checksum is the caller's call.
 */
export function openFrame(input: Uint8Array, identifier: string, what: string, fail: Fail): OpenedFrame {
  let bytes = input;
  if (input.byteOffset % 8 !== 0) {
    // Not input.slice(): on a Node Buffer that is a view with the same misaligned offset.
    bytes = new Uint8Array(input.length);
    bytes.set(input);
  }
  const length = bytes.length;
  if (length < 8) fail(`${length} bytes is too short to be ${what}`, 'identifier', 0);
  const found = String.fromCharCode(bytes[4]!, bytes[5]!, bytes[6]!, bytes[7]!);
  if (found !== identifier) fail(`file identifier is ${JSON.stringify(found)}, expected "${identifier}"`, 'identifier', 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  const root = view.getUint32(0, true);

  const position = (slot: number, field: string, size: number, table = root): number => {
    const at = tableFieldPosition(view, length, table, slot);
    if (at === -2 || at + size > length) fail(`${table === root ? 'root table' : 'table'} or vtable lies outside the buffer`, field, table);
    return at;
  };
  return {
    bytes,
    view,
    root,
    position,
    required(slot, field, size, table = root) {
      const at = position(slot, field, size, table);
      if (at < 0) fail('required field is missing', field, table);
      return at;
    },
    vector(slot, field, elementBytes, table = root) {
      const at = position(slot, field, 4, table);
      if (at < 0) return null;
      const header = at + view.getUint32(at, true);
      if (header + 4 > length) fail('vector header lies outside the buffer', field, at);
      const count = view.getUint32(header, true);
      const start = header + 4;
      // count * elementBytes < 2^35: exact in a double, so a hostile count cannot wrap around.
      if (start + count * elementBytes > length) fail(`vector of ${count} elements runs past the end of the buffer`, field, header);
      if ((bytes.byteOffset + start) % elementBytes !== 0) fail('vector is not aligned to its element size', field, start);
      return { start, count };
    },
    table(at, field) {
      if (at + 4 > length) fail('table offset lies outside the buffer', field, at);
      const table = at + view.getUint32(at, true);
      // Slot 4 (the first field) exercises every check of the table and its vtable.
      if (tableFieldPosition(view, length, table, 4) === -2) fail('table or vtable lies outside the buffer', field, table);
      return table;
    },
    verifyChecksum(at, subject) {
      const stored = view.getUint32(at, true);
      const actual = checksumOf(bytes, at);
      if (stored !== actual) fail(`checksum mismatch (stored ${hex(stored)}, computed ${hex(actual)}): the ${subject} is corrupt or truncated`, 'checksum', at);
    },
  };
}
