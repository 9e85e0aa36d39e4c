// Codecs for message batches: ascending id lists (delta + LEB128 varint, bitmap, runs of
//   consecutive ids), 32-bit value arrays (zigzag delta varint, run lengths), byte shuffle.
// Returns: encoders: bytes written; decoders: elements written; or a negative CODEC_* status.
// Method: every loop is bounded by its input length or its output capacity, and each store is
//   checked against the capacity first, so hostile input ends in a status, never out of bounds.
// Requires: disjoint input and output regions. Cite: Lemire & Boytsov, "Decoding billions of
//   integers per second through vectorization" (SPE 2015), d-gaps and varint.

// Statuses (negative): src/exchange/codecs.ts names each and turns it into a TransportError.
/** Input ends inside a varint or a pair. */
const CODEC_TRUNCATED: i32 = -1;
/** A varint longer than 5 bytes, above 2^32 - 1, or not in its shortest form. */
const CODEC_OVERLONG: i32 = -2;
/** More elements or bytes than the output capacity. */
const CODEC_CAPACITY: i32 = -3;
/** An id above maxId. */
const CODEC_RANGE: i32 = -4;
/** Ids not strictly ascending (encoders of sets). */
const CODEC_ORDER: i32 = -5;
/** A bitmap whose length is not the universe's. */
const CODEC_LENGTH: i32 = -6;

/** Bytes of v as LEB128. */
@inline function varintSize(v: u32): usize {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x20_0000 ? 3 : v < 0x1000_0000 ? 4 : 5;
}

/** Write v as LEB128 at `at` (the caller checked the room); returns the next position. */
@inline function writeVarint(at: usize, v: u32): usize {
  while (v >= 0x80) {
    store<u8>(at, <u8>(v | 0x80));
    v >>>= 7;
    at++;
  }
  store<u8>(at, <u8>v);
  return at + 1;
}

/**
 * Read a LEB128 u32 from [at, end). Packs the result: low 32 bits the value, high bits the bytes
 * read (1..5); 0 bytes read = truncated, 6 = overlong (a sixth byte, bits above 32, or a last
 * byte of 0 after the first: only the shortest form is accepted, so each value has one encoding).
 */
@inline function readVarint(at: usize, end: usize): u64 {
  // One-byte values (gaps below 128: most of them in dense lists) skip the loop.
  if (at < end) {
    const first = load<u8>(at);
    if (first < 0x80) return (<u64>1 << 32) | <u64>first;
  }
  let value: u64 = 0;
  for (let i: u64 = 0; i < 5; i++) {
    if (at + <usize>i >= end) return 0;
    const b = <u64>load<u8>(at + <usize>i);
    value |= (b & 0x7f) << (7 * i);
    if (b < 0x80) {
      if ((i > 0 && b == 0) || value > 0xffff_ffff) return <u64>6 << 32;
      return ((i + 1) << 32) | value;
    }
  }
  return <u64>6 << 32;
}

@inline function zigzag(v: i32): u32 {
  return <u32>((v << 1) ^ (v >> 31));
}

@inline function unzigzag(z: u32): i32 {
  return <i32>(z >>> 1) ^ -<i32>(z & 1);
}

/** Status of a packed readVarint result that is not a value, or 0. */
@inline function varintStatus(packed: u64): i32 {
  const used = packed >> 32;
  return used == 0 ? CODEC_TRUNCATED : used == 6 ? CODEC_OVERLONG : 0;
}

/**
 * Strictly ascending ids -> varints of their gaps: the first id, then id - previous - 1 (runs of
 * consecutive ids cost one zero byte each). Every id must be <= maxId.
 */
export function deltaVarintEncode(ids: usize, count: u32, maxId: u32, out: usize, capacity: u32): i32 {
  let at: usize = 0;
  let next: u64 = 0; // the smallest id the next one may take
  for (let i: u32 = 0; i < count; i++) {
    const id = load<u32>(ids + (<usize>i << 2));
    if (<u64>id < next) return CODEC_ORDER;
    if (id > maxId) return CODEC_RANGE;
    const gap = <u32>(<u64>id - next);
    if (at + varintSize(gap) > <usize>capacity) return CODEC_CAPACITY;
    at = writeVarint(out + at, gap) - out;
    next = <u64>id + 1;
  }
  return <i32>at;
}

/** Inverse of deltaVarintEncode: ids into out (at most `capacity`), each checked against maxId. */
export function deltaVarintDecode(input: usize, length: u32, maxId: u32, out: usize, capacity: u32): i32 {
  const end = input + <usize>length;
  let at = input;
  let count: u32 = 0;
  let next: u64 = 0;
  while (at < end) {
    const packed = readVarint(at, end);
    const status = varintStatus(packed);
    if (status != 0) return status;
    at += <usize>(packed >> 32);
    const id = next + (packed & 0xffff_ffff);
    if (id > <u64>maxId) return CODEC_RANGE;
    if (count >= capacity) return CODEC_CAPACITY;
    store<u32>(out + (<usize>count << 2), <u32>id);
    count++;
    next = id + 1;
  }
  return <i32>count;
}

/**
 * Strictly ascending ids <= maxId -> a bitmap of maxId + 1 bits, least significant bit first,
 * (maxId >> 3) + 1 bytes, spare bits of the last byte zero.
 */
export function bitmapEncode(ids: usize, count: u32, maxId: u32, out: usize, capacity: u32): i32 {
  const bytes = (<usize>maxId >> 3) + 1;
  if (bytes > <usize>capacity) return CODEC_CAPACITY;
  memory.fill(out, 0, bytes);
  let next: u64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const id = load<u32>(ids + (<usize>i << 2));
    if (<u64>id < next) return CODEC_ORDER;
    if (id > maxId) return CODEC_RANGE;
    const slot = out + (<usize>id >> 3);
    store<u8>(slot, load<u8>(slot) | (<u8>1 << <u8>(id & 7)));
    next = <u64>id + 1;
  }
  return <i32>bytes;
}

/** Inverse of bitmapEncode: the set bits' ids, ascending. The length must be the universe's. */
export function bitmapDecode(input: usize, length: u32, maxId: u32, out: usize, capacity: u32): i32 {
  const bytes = (<usize>maxId >> 3) + 1;
  if (<usize>length != bytes) return CODEC_LENGTH;
  // A set spare bit of the last byte names an id beyond the universe.
  const spare = <u32>load<u8>(input + bytes - 1) >> ((maxId & 7) + 1);
  if (spare != 0) return CODEC_RANGE;
  let count: u32 = 0;
  let at: usize = 0;
  // Eight bytes at a time: a zero word (most of a sparse bitmap) costs one test.
  for (; at + 8 <= bytes; at += 8) {
    let word = load<u64>(input + at);
    while (word != 0) {
      if (count >= capacity) return CODEC_CAPACITY;
      store<u32>(out + (<usize>count << 2), <u32>((at << 3) + <usize>ctz(word)));
      count++;
      word &= word - 1;
    }
  }
  for (; at < bytes; at++) {
    let byte = <u32>load<u8>(input + at);
    while (byte != 0) {
      if (count >= capacity) return CODEC_CAPACITY;
      store<u32>(out + (<usize>count << 2), <u32>((at << 3) + <usize>ctz(byte)));
      count++;
      byte &= byte - 1;
    }
  }
  return <i32>count;
}

/**
 * Strictly ascending ids -> runs of consecutive ids, each as two varints: the gap before the run
 * (the first start; then start - previous end - 2, as runs never touch) and its length - 1.
 */
export function idRunsEncode(ids: usize, count: u32, maxId: u32, out: usize, capacity: u32): i32 {
  let at: usize = 0;
  let next: u64 = 0; // smallest start the next run may take
  let i: u32 = 0;
  while (i < count) {
    const start = load<u32>(ids + (<usize>i << 2));
    if (<u64>start < next) return CODEC_ORDER;
    let last = start;
    let j = i + 1;
    for (; j < count; j++) {
      const id = load<u32>(ids + (<usize>j << 2));
      if (<u64>id != <u64>last + 1) break;
      last = id;
    }
    if (last > maxId) return CODEC_RANGE;
    const gap = <u32>(<u64>start - next);
    const extra = last - start;
    if (at + varintSize(gap) + varintSize(extra) > <usize>capacity) return CODEC_CAPACITY;
    at = writeVarint(out + at, gap) - out;
    at = writeVarint(out + at, extra) - out;
    next = <u64>last + 2;
    i = j;
  }
  return <i32>at;
}

/** Inverse of idRunsEncode. */
export function idRunsDecode(input: usize, length: u32, maxId: u32, out: usize, capacity: u32): i32 {
  const end = input + <usize>length;
  let at = input;
  let count: u32 = 0;
  let next: u64 = 0;
  while (at < end) {
    const first = readVarint(at, end);
    let status = varintStatus(first);
    if (status != 0) return status;
    at += <usize>(first >> 32);
    const second = readVarint(at, end);
    status = varintStatus(second);
    if (status != 0) return status;
    at += <usize>(second >> 32);
    const start = next + (first & 0xffff_ffff);
    const last = start + (second & 0xffff_ffff);
    if (last > <u64>maxId) return CODEC_RANGE;
    // Checked before the loop, so a huge run length never starts a long loop.
    if (last - start >= <u64>(capacity - count)) return CODEC_CAPACITY;
    for (let id = start; id <= last; id++) {
      store<u32>(out + (<usize>count << 2), <u32>id);
      count++;
    }
    next = last + 2;
  }
  return <i32>count;
}

/** 32-bit values -> varints of the zigzagged difference to the previous value (first: to 0). */
export function zigzagVarintEncode(values: usize, count: u32, out: usize, capacity: u32): i32 {
  let at: usize = 0;
  let previous: i32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const value = load<i32>(values + (<usize>i << 2));
    const z = zigzag(value - previous);
    if (at + varintSize(z) > <usize>capacity) return CODEC_CAPACITY;
    at = writeVarint(out + at, z) - out;
    previous = value;
  }
  return <i32>at;
}

/** Inverse of zigzagVarintEncode. */
export function zigzagVarintDecode(input: usize, length: u32, out: usize, capacity: u32): i32 {
  const end = input + <usize>length;
  let at = input;
  let count: u32 = 0;
  let previous: i32 = 0;
  while (at < end) {
    const packed = readVarint(at, end);
    const status = varintStatus(packed);
    if (status != 0) return status;
    at += <usize>(packed >> 32);
    if (count >= capacity) return CODEC_CAPACITY;
    previous += unzigzag(<u32>packed);
    store<i32>(out + (<usize>count << 2), previous);
    count++;
  }
  return <i32>count;
}

/**
 * 32-bit values -> runs of equal values, each as two varints: the zigzagged difference of its
 * value to the previous run's (first: to 0) and its length - 1.
 */
export function runLengthEncode(values: usize, count: u32, out: usize, capacity: u32): i32 {
  let at: usize = 0;
  let previous: i32 = 0;
  let i: u32 = 0;
  while (i < count) {
    const value = load<i32>(values + (<usize>i << 2));
    let j = i + 1;
    while (j < count && load<i32>(values + (<usize>j << 2)) == value) j++;
    const z = zigzag(value - previous);
    const extra = j - i - 1;
    if (at + varintSize(z) + varintSize(extra) > <usize>capacity) return CODEC_CAPACITY;
    at = writeVarint(out + at, z) - out;
    at = writeVarint(out + at, extra) - out;
    previous = value;
    i = j;
  }
  return <i32>at;
}

/** Inverse of runLengthEncode. */
export function runLengthDecode(input: usize, length: u32, out: usize, capacity: u32): i32 {
  const end = input + <usize>length;
  let at = input;
  let count: u32 = 0;
  let previous: i32 = 0;
  while (at < end) {
    const first = readVarint(at, end);
    let status = varintStatus(first);
    if (status != 0) return status;
    at += <usize>(first >> 32);
    const second = readVarint(at, end);
    status = varintStatus(second);
    if (status != 0) return status;
    at += <usize>(second >> 32);
    const extra = <u32>second;
    if (<u64>extra >= <u64>(capacity - count)) return CODEC_CAPACITY;
    previous += unzigzag(<u32>first);
    for (let k: u32 = 0; k <= extra; k++) {
      store<i32>(out + (<usize>count << 2), previous);
      count++;
    }
  }
  return <i32>count;
}

/**
 * Byte shuffle: count elements of `width` bytes -> width planes of count bytes (plane b holds byte b
 * of every element), so that a general-purpose compressor sees the slowly varying high bytes of
 * doubles together. unshuffle is its inverse. Both return count * width.
 */
export function byteShuffle(input: usize, count: u32, width: u32, out: usize): i32 {
  for (let b: u32 = 0; b < width; b++) {
    const plane = out + <usize>b * <usize>count;
    for (let i: u32 = 0; i < count; i++) store<u8>(plane + <usize>i, load<u8>(input + <usize>i * <usize>width + <usize>b));
  }
  return <i32>(count * width);
}

export function byteUnshuffle(input: usize, count: u32, width: u32, out: usize): i32 {
  for (let b: u32 = 0; b < width; b++) {
    const plane = input + <usize>b * <usize>count;
    for (let i: u32 = 0; i < count; i++) store<u8>(out + <usize>i * <usize>width + <usize>b, load<u8>(plane + <usize>i));
  }
  return <i32>(count * width);
}
