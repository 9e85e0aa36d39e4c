/**
 * FlatBuffers helpers shared by every file format and frame of neuromesh (graph snapshots,
 * partition metadata, and later message frames and checkpoints; shapes in schemas/*.fbs).
 *
 * The JavaScript FlatBuffers runtime has no verifier, so readers of untrusted bytes locate fields
 * through `fieldPosition`, which checks the root table, its vtable and the field entry against the
 * buffer before anything is read. Writers copy typed arrays in bulk (`addTypedVector`): the
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
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = bytes.length;
  if (length < 8) return -2;
  const table = view.getUint32(0, true);
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

/** A reader's way to reject a field: throws (typed by the caller), never returns. */
export type Fail = (problem: string, field: string) => never;

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
