// Exchange: moving per-vertex values between a partition's local arrays and its mailboxes.
// Returns: pack kernels: entries written; unpack kernels: the new length of the activation list.
// Method: every list is a send or receive list of a partition plan (local ids, both sides in the same
//   order), so a message names a vertex by its position in the list, never by an id of its own.
//   Dense batches carry one value per list position; sparse ones carry (position, value) pairs.
// Requires: lists of local ids < the value array's length; positions < the list's length (the
//   runtime writes both sides itself). Cite: Malewicz et al., "Pregel" (SIGMOD 2010), combiners.

/** target[i] = source[list[i]] for 8-byte elements (f64 or i64). */
export function gather64(source: usize, list: usize, count: u32, target: usize): u32 {
  for (let i: u32 = 0; i < count; i++) {
    const v = <usize>load<u32>(list + (<usize>i << 2));
    store<u64>(target + (<usize>i << 3), load<u64>(source + (v << 3)));
  }
  return count;
}

/** target[list[i]] = source[i] for 8-byte elements. */
export function scatter64(source: usize, list: usize, count: u32, target: usize): u32 {
  for (let i: u32 = 0; i < count; i++) {
    const v = <usize>load<u32>(list + (<usize>i << 2));
    store<u64>(target + (v << 3), load<u64>(source + (<usize>i << 3)));
  }
  return count;
}

/**
 * Sparse pack of an i32 array: the positions i of `list` whose value equals `value` (BFS: the copies
 * that reached this level). Writes positions only (the value is implied by the superstep).
 */
export function packEqual32(values: usize, list: usize, count: u32, value: i32, positions: usize): u32 {
  let written: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const v = <usize>load<u32>(list + (<usize>i << 2));
    if (load<i32>(values + (v << 2)) == value) {
      store<u32>(positions + (<usize>written << 2), i);
      written++;
    }
  }
  return written;
}

/**
 * BFS unpack: every listed copy still unvisited (-1) gets `value` and is appended to `out` (which
 * already holds `outCount` ids). Copies already visited keep their level: levels only ever take the
 * first (smallest) level that reaches them.
 */
export function unpackVisit32(values: usize, list: usize, positions: usize, count: u32, value: i32, out: usize, outCount: u32): u32 {
  let length = outCount;
  for (let j: u32 = 0; j < count; j++) {
    const v = load<u32>(list + (<usize>load<u32>(positions + (<usize>j << 2)) << 2));
    const slot = values + (<usize>v << 2);
    if (load<i32>(slot) == -1) {
      store<i32>(slot, value);
      store<u32>(out + (<usize>length << 2), v);
      length++;
    }
  }
  return length;
}

/** Sparse pack of the flagged copies in `list`: (position, f64 value) pairs. */
export function packFlagged64(values: usize, flags: usize, list: usize, count: u32, positions: usize, payload: usize): u32 {
  let written: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const v = <usize>load<u32>(list + (<usize>i << 2));
    if (load<u8>(flags + v) != 0) {
      store<u32>(positions + (<usize>written << 2), i);
      store<u64>(payload + (<usize>written << 3), load<u64>(values + (v << 3)));
      written++;
    }
  }
  return written;
}

/** Sparse pack of the flagged copies in `list`: (position, i32 value) pairs. */
export function packFlagged32(values: usize, flags: usize, list: usize, count: u32, positions: usize, payload: usize): u32 {
  let written: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const v = <usize>load<u32>(list + (<usize>i << 2));
    if (load<u8>(flags + v) != 0) {
      store<u32>(positions + (<usize>written << 2), i);
      store<i32>(payload + (<usize>written << 2), load<i32>(values + (v << 2)));
      written++;
    }
  }
  return written;
}

/**
 * Min-combine of (position, f64) pairs: a listed copy whose value the message lowers takes it; a copy
 * lowered and not yet flagged is flagged and appended to `out`. SSSP's combiner: min is exact, so
 * the order in which messages arrive cannot change a bit.
 */
export function unpackMin64(values: usize, flags: usize, list: usize, positions: usize, payload: usize, count: u32, out: usize, outCount: u32): u32 {
  let length = outCount;
  for (let j: u32 = 0; j < count; j++) {
    const v = <usize>load<u32>(list + (<usize>load<u32>(positions + (<usize>j << 2)) << 2));
    const incoming = load<f64>(payload + (<usize>j << 3));
    if (incoming < load<f64>(values + (v << 3))) {
      store<f64>(values + (v << 3), incoming);
      if (load<u8>(flags + v) == 0) {
        store<u8>(flags + v, 1);
        store<u32>(out + (<usize>length << 2), <u32>v);
        length++;
      }
    }
  }
  return length;
}

/** Min-combine of (position, i32) pairs, as unpackMin64 (WCC labels, all >= 0). */
export function unpackMin32(values: usize, flags: usize, list: usize, positions: usize, payload: usize, count: u32, out: usize, outCount: u32): u32 {
  let length = outCount;
  for (let j: u32 = 0; j < count; j++) {
    const v = <usize>load<u32>(list + (<usize>load<u32>(positions + (<usize>j << 2)) << 2));
    const incoming = load<i32>(payload + (<usize>j << 2));
    if (incoming < load<i32>(values + (v << 2))) {
      store<i32>(values + (v << 2), incoming);
      if (load<u8>(flags + v) == 0) {
        store<u8>(flags + v, 1);
        store<u32>(out + (<usize>length << 2), <u32>v);
        length++;
      }
    }
  }
  return length;
}

/** flags[list[i]] = 0 for i < count (clears the flags of an activation list). */
export function clearFlags(flags: usize, list: usize, count: u32): u32 {
  for (let i: u32 = 0; i < count; i++) store<u8>(flags + <usize>load<u32>(list + (<usize>i << 2)), 0);
  return count;
}

/** Flag every listed id not yet flagged and append it to `out`; returns the new length of `out`. */
export function flagList(flags: usize, list: usize, count: u32, out: usize, outCount: u32): u32 {
  let length = outCount;
  for (let i: u32 = 0; i < count; i++) {
    const v = load<u32>(list + (<usize>i << 2));
    if (load<u8>(flags + <usize>v) == 0) {
      store<u8>(flags + <usize>v, 1);
      store<u32>(out + (<usize>length << 2), v);
      length++;
    }
  }
  return length;
}
