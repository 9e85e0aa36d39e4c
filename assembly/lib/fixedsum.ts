// Exact sums of small non-negative float64 values in a 192-bit fixed-point row, rounded once.
// Returns: rows of three u64 limbs that add associatively; the float64 nearest (ties to even) to
//   a row's exact value.
// Method: each value is split at fixed bit positions into two integer parts summed in locals
//   without carries (fast path: by float rounding, two SIMD lanes; general path: by shifts into
//   carry-save columns), folded into the row every FIXEDSUM_CHUNK additions.
// Requires: values +-0 or in [2^-124, 2); sums below 2^15; anything else poisons the row (NaN).
// Cite: the long accumulator of U. Kulisch, "Computer Arithmetic and Validity" (2008), narrowed.
//
// Row (FIXEDSUM_ROW_BYTES = 24, 8-byte aligned, little-endian):
//   limb 0  u64  bits   0 ..  63 of the value in units of 2^-176 (FIXEDSUM_UNIT_EXPONENT)
//   limb 1  u64  bits  64 .. 127
//   limb 2  u64  bits 128 .. 190; bit 191 (FIXEDSUM_POISON) = out of range, sticky
// So a row holds 0 <= value < 2^15 exactly, to a resolution of 2^-176.
//
// Window (why these numbers). PageRank's contributions are x[u] / outdeg(u) with damping d in
// (0, 1), so 1 - d >= 2^-53, x >= (1 - d) / n >= 2^-85 (n < 2^32) and x / outdeg >= 2^-117
// (outdeg < 2^32); x <= 1 (plus rounding), so every contribution lies in [2^-117, 2) and its
// lowest mantissa bit is >= 2^(-117-52) = 2^-169. The window accepts [2^-124, 2): lowest bit
// 2^-176, 7 binades of margin below. A vertex sum of valid contributions is <= ~1; the row keeps
// sums < 2^15 (14 binades of margin) and bit 191 free, so two valid rows add without wrapping:
// a merge can never lose the poison of an out-of-range sum.
//
// Columns (general path). A value with biased exponent E and 53-bit mantissa m is m * 2^p units, p = E - 899.
// Its exponent picks a band of 52 binades; within the band, s = p - base < 52 and
//   m << s = lo + hi * 2^52, lo = (m << s) mod 2^52, hi = m >> (52 - s) < 2^52
// go into two u64 columns 52 bits apart. Each addition puts < 2^52 into a column, so 2^11
// additions cannot overflow one. Bands and the columns (weights in units) they feed:
//   band A  E in [972, 1023]  (values [2^-51, 2))      lo -> C73,  hi -> C125   (also the fast path)
//   band B  E in [920, 971]   (values [2^-103, 2^-51)) lo -> C21,  hi -> C73
//   band C  E in [899, 919]   (values [2^-124, 2^-103)) lo -> C0,  hi -> C52
// Column sums fold into the row with carries: C0 + C21 2^21 + C52 2^52 + C73 2^73 + C125 2^125.

export const FIXEDSUM_LIMBS: i32 = 3;
export const FIXEDSUM_ROW_BYTES: i32 = 24;
export const FIXEDSUM_UNIT_EXPONENT: i32 = -176;
/** Additions per fold: 2^11 additions of < 2^52 each stay below 2^63 in every column. */
export const FIXEDSUM_CHUNK: i32 = 2048;

export const FIXEDSUM_POISON: u64 = 0x8000_0000_0000_0000;
const MANTISSA: u64 = 0x000f_ffff_ffff_ffff;
const HIDDEN: u64 = 0x0010_0000_0000_0000;
/** biased exponent of the lowest binade of band A, B and C */
const BAND_A: u64 = 972;
const BAND_B: u64 = 920;
const BAND_C: u64 = 899;

@inline function carryOf(sum: u64, addend: u64): u64 {
  // sum = old + addend (mod 2^64) wrapped exactly when it ended below the addend
  return <u64>(sum < addend);
}

/**
 * 2^k for -1022 <= k <= 1023, from its bit pattern.
 */
@inline function powerOfTwo(k: i32): f64 {
  return reinterpret<f64>(<u64>(k + 1023) << 52);
}

/**
 * The float64 nearest (ties to even) to (l0 + l1 2^64 + l2 2^128) * 2^-176; NaN when the poison
 * bit is set. The top 63 bits of the value go through one signed int -> float conversion, which
 * IEEE rounds to nearest even; every bit below them is ORed into its last bit (sticky), which
 * lies below the rounding bit, so that one rounding is the correct one. The scaling by a power of
 * two is exact (the exponent stays in the normal range).
 */
@inline export function fixedsumRound(l0: u64, l1: u64, l2: u64): f64 {
  if ((l2 & FIXEDSUM_POISON) != 0) return NaN;
  let high = l2;
  let low = l1;
  let rest = l0;
  let base: i32 = 128;
  if (high == 0) {
    high = l1;
    low = l0;
    rest = 0;
    base = 64;
    if (high == 0) {
      if (l0 == 0) return 0.0;
      high = l0;
      low = 0;
      base = 0;
    }
  }
  const zeros = clz(high);
  // the 64 bits from the leading one down, and what is left below them
  const top = (high << zeros) | ((low >> 1) >> (63 - zeros));
  const below = (low << zeros) | rest;
  const kept = (top >> 1) | (top & 1) | <u64>(below != 0);
  // kept's leading one (bit 62) is bit `base + 63 - zeros` of the value
  const exponent = base + 1 - <i32>zeros + FIXEDSUM_UNIT_EXPONENT;
  return <f64>(<i64>kept) * powerOfTwo(exponent);
}

/** row := (l0, l1, l2) */
@inline export function fixedsumStore(row: usize, l0: u64, l1: u64, l2: u64): void {
  store<u64>(row, l0);
  store<u64>(row, l1, 8);
  store<u64>(row, l2, 16);
}

/**
 * The general path: any values, any count. Per value, a branch on its band; the columns fold into
 * the row every FIXEDSUM_CHUNK values, with a carry out of bit 191 poisoning the row. Writes the
 * row (toRow) or returns the rounded sum.
 */
export function fixedsumIndexedGeneral(indices: usize, values: usize, first: u32, last: u32, row: usize, toRow: bool): f64 {
  let l0: u64 = 0;
  let l1: u64 = 0;
  let l2: u64 = 0;
  let poison: u64 = 0;
  // byte offsets into indices
  let arc = indices + (<usize>first << 2);
  const end = indices + (<usize>last << 2);
  while (arc < end) {
    const chunkEnd = min<usize>(end, arc + (<usize>FIXEDSUM_CHUNK << 2));
    // carry-save columns, named by their weight in units of 2^-176
    let c0: u64 = 0;
    let c21: u64 = 0;
    let c52: u64 = 0;
    let c73: u64 = 0;
    let c125: u64 = 0;
    for (; arc < chunkEnd; arc += 4) {
      const bits = load<u64>(values + (<usize>load<u32>(arc) << 3));
      const p = (bits >> 52) - BAND_C; // position of the lowest mantissa bit, in units
      const m = (bits & MANTISSA) | HIDDEN;
      if (p >= BAND_A - BAND_C) {
        const s = p - (BAND_A - BAND_C);
        if (s < 52) {
          c73 += (m << s) & MANTISSA;
          c125 += m >> (52 - s);
        } else if ((bits << 1) != 0) {
          // negative, >= 2, infinite, NaN, subnormal or < 2^-124 (+-0 adds nothing)
          poison = FIXEDSUM_POISON;
        }
      } else if (p >= BAND_B - BAND_C) {
        const s = p - (BAND_B - BAND_C);
        c21 += (m << s) & MANTISSA;
        c73 += m >> (52 - s);
      } else {
        // band C: p < 21 (exponents below BAND_C wrapped p round to the first branch)
        c0 += (m << p) & MANTISSA;
        c52 += m >> (52 - p);
      }
    }
    // fold the columns into (f0, f1, f2); every column is < 2^63, the chunk's sum < 2^12
    let f0 = c0 + (c21 << 21);
    let f1 = carryOf(f0, c21 << 21) + (c21 >> 43);
    f0 += c52 << 52;
    f1 += carryOf(f0, c52 << 52) + (c52 >> 12);
    f1 += c73 << 9;
    let f2 = carryOf(f1, c73 << 9) + (c73 >> 55);
    f1 += c125 << 61;
    f2 += carryOf(f1, c125 << 61) + (c125 >> 3);
    // row += chunk; a carry out of bit 191 means the sum left the window
    l0 += f0;
    const carry0 = carryOf(l0, f0);
    l1 += f1;
    const carry1 = carryOf(l1, f1);
    l1 += carry0;
    const carry1b = carryOf(l1, carry0);
    const top = l2 + f2 + carry1 + carry1b;
    if (top < l2) poison = FIXEDSUM_POISON;
    l2 = top;
  }
  // sums >= 2^15 (bit 191) are out of range too
  l2 |= poison;
  if (toRow) {
    fixedsumStore(row, l0, l1, l2);
    return 0.0;
  }
  return fixedsumRound(l0, l1, l2);
}

// The fast path: values in [2^-51, 2) (band A), split by floating-point rounding instead of
// shifts. With u = c + 2 (in [2, 4], where doubles are spaced 2^-51), u - 2 is c rounded to a
// multiple of 2^-51 and the bit pattern of u is TWO_BITS + h with h = round(c 2^51) <= 2^52, an
// integer: the high part. The rest r = c - (u - 2) is exact, |r| <= 2^-52, a multiple of 2^-103
// (c >= 2^-51); w = r + 1.5 2^-51 lies in [2^-51, 2^-50] where doubles are spaced 2^-103, so w is
// exact and its bit pattern is W_BITS + r 2^103: the low part, signed. So c 2^103 = h 2^52 + lo.
// Summing the raw bit patterns and subtracting count * TWO_BITS (count * W_BITS) afterwards is
// exact modulo 2^64, and the true sums (|.| < 2^63 for FIXEDSUM_CHUNK values) are recovered.
const FAST_LOW: u64 = 0x3cc0_0000_0000_0000; // bits of 2^-51
const FAST_RANGE: u64 = 0x4000_0000_0000_0000 - FAST_LOW; // bits of 2.0 minus FAST_LOW
const TWO_BITS: u64 = 0x4000_0000_0000_0000; // bits of 2.0
const W_OFFSET: f64 = 6.661338147750939e-16; // 1.5 * 2^-51
const W_BITS: u64 = 0x3cc8_0000_0000_0000; // bits of 1.5 * 2^-51
const ONE_HIGH_WORD: i32 = 0x3ff0_0000; // high 32 bits of 1.0
const LEAST_HIGH_WORD: i32 = 0x3cc0_0000; // high 32 bits of 2^-51
const TWO_HIGH_WORD: i32 = 0x4000_0000; // high 32 bits of 2.0
const WINDOW_LOW: u64 = 0x3830_0000_0000_0000; // bits of 2^-124 (biased exponent 899)
const WINDOW_RANGE: u64 = 0x4000_0000_0000_0000 - WINDOW_LOW; // up to 2.0, excluded
/** Fast-path sums at or above 2^15 (2^118 units of 2^-103, H >= 2^54) go the general way. */
const FAST_LIMIT_HIGH: u64 = 0x0040_0000_0000_0000;

/**
 * The float64 nearest (ties to even) to (high 2^64 + low) * 2^-103, high < 2^54. As in
 * fixedsumRound: the top 63 bits with a sticky last bit, one int -> float conversion.
 */
@inline function roundFast(high: u64, low: u64): f64 {
  let base: i32 = 64;
  if (high == 0) {
    if (low == 0) return 0.0;
    high = low;
    low = 0;
    base = 0;
  }
  const zeros = clz(high);
  const top = (high << zeros) | ((low >> 1) >> (63 - zeros));
  const kept = (top >> 1) | (top & 1) | <u64>((low << zeros) != 0);
  return <f64>(<i64>kept) * powerOfTwo(base + 1 - <i32>zeros - 103);
}

/**
 * The exact sum of values[indices[i]] for i in [first, last) (indices u32, values f64), as a row
 * (toRow: written at `row`, returns 0) or rounded (returns the float64; `row` unused). Inlined,
 * with toRow a constant, so the sums stay in locals and the unused branch disappears.
 *
 * The hot loop takes four values at a time, all in band A (every contribution of a PageRank on up
 * to ~2^40 vertices is): four loads, four range checks, then the split above. A value outside
 * band A sends the whole sum down the general path (recomputed from the start: still exact, and
 * rare). Integer additions are exact, so the order of the values never matters.
 */
@inline export function fixedsumIndexed(indices: usize, values: usize, first: u32, last: u32, row: usize, toRow: bool): f64 {
  if (!toRow && last - first <= 2) {
    // One or two values in the window: IEEE addition already is the exact sum rounded once.
    // (A third of R-MAT's vertices with in-arcs have one or two.)
    if (last == first) return 0.0;
    const at = indices + (<usize>first << 2);
    const a = load<f64>(values + (<usize>load<u32>(at) << 3));
    if (reinterpret<u64>(a) - WINDOW_LOW < WINDOW_RANGE) {
      if (last - first == 1) return a;
      const b = load<f64>(values + (<usize>load<u32>(at, 4) << 3));
      if (reinterpret<u64>(b) - WINDOW_LOW < WINDOW_RANGE) return a + b;
    }
    return fixedsumIndexedGeneral(indices, values, first, last, row, toRow);
  }
  // the sum so far in units of 2^-103, 128 bits: high 2^64 + low
  let high: u64 = 0;
  let low: u64 = 0;
  let arc = indices + (<usize>first << 2);
  const end = indices + (<usize>last << 2);
  let fast = true;
  while (arc < end) {
    const chunkEnd = min<usize>(end, arc + (<usize>FIXEDSUM_CHUNK << 2));
    const count = <u64>((chunkEnd - arc) >> 2);
    let highBits: u64 = 0;
    let lowBits: u64 = 0;
    if (chunkEnd - arc > 12) {
      // Two lanes of raw bit sums. The range check waits for the chunk's end: the high 32-bit
      // word of a double, as a signed integer, orders non-negative doubles and puts negative
      // ones (and -0) below 0 and NaN and infinities above 2, so an integer minimum and maximum
      // of the high words (i32x4 lanes 1 and 3; lanes 0 and 2 are ignored) decide band A.
      let highLanes = i64x2.splat(0);
      let lowLanes = i64x2.splat(0);
      let least = i32x4.splat(ONE_HIGH_WORD);
      let most = i32x4.splat(ONE_HIGH_WORD);
      const two = f64x2.splat(2.0);
      const offset = f64x2.splat(W_OFFSET);
      for (; chunkEnd - arc > 12; arc += 16) {
        let a = v128.load64_zero(values + (<usize>load<u32>(arc) << 3));
        a = v128.load64_lane(values + (<usize>load<u32>(arc, 4) << 3), a, 1);
        let b = v128.load64_zero(values + (<usize>load<u32>(arc, 8) << 3));
        b = v128.load64_lane(values + (<usize>load<u32>(arc, 12) << 3), b, 1);
        least = i32x4.min_s(least, i32x4.min_s(a, b));
        most = i32x4.max_s(most, i32x4.max_s(a, b));
        const ua = f64x2.add(a, two);
        const ub = f64x2.add(b, two);
        highLanes = i64x2.add(highLanes, i64x2.add(ua, ub));
        const wa = f64x2.add(f64x2.sub(a, f64x2.sub(ua, two)), offset);
        const wb = f64x2.add(f64x2.sub(b, f64x2.sub(ub, two)), offset);
        lowLanes = i64x2.add(lowLanes, i64x2.add(wa, wb));
      }
      // band A: every high word in [high word of 2^-51, high word of 2.0)
      const inBand = v128.and(i32x4.ge_s(least, i32x4.splat(LEAST_HIGH_WORD)), i32x4.lt_s(most, i32x4.splat(TWO_HIGH_WORD)));
      if ((i32x4.bitmask(inBand) & 0b1010) != 0b1010) {
        fast = false;
        break;
      }
      highBits = i64x2.extract_lane(highLanes, 0) + i64x2.extract_lane(highLanes, 1);
      lowBits = i64x2.extract_lane(lowLanes, 0) + i64x2.extract_lane(lowLanes, 1);
    }
    for (; arc < chunkEnd; arc += 4) {
      const c = load<f64>(values + (<usize>load<u32>(arc) << 3));
      if (reinterpret<u64>(c) - FAST_LOW >= FAST_RANGE) break;
      const u = c + 2.0;
      highBits += reinterpret<u64>(u);
      lowBits += reinterpret<u64>(c - (u - 2.0) + W_OFFSET);
    }
    // the chunk: hi 2^52 + lo, hi in [0, 2^63], lo signed in [-2^62, 2^62]
    const hi = highBits - count * TWO_BITS;
    const lo = lowBits - count * W_BITS;
    const shifted = hi << 52;
    low += shifted;
    const carry = carryOf(low, shifted);
    low += lo;
    high += (hi >> 12) + carry + carryOf(low, lo) + <u64>(<i64>lo >> 63);
    if (arc != chunkEnd || high >= FAST_LIMIT_HIGH) {
      fast = false;
      break;
    }
  }
  if (!fast) return fixedsumIndexedGeneral(indices, values, first, last, row, toRow);
  if (toRow) {
    // units of 2^-103 to units of 2^-176: shift left by 73 bits
    fixedsumStore(row, 0, low << 9, (low >> 55) | (high << 9));
    return 0.0;
  }
  return roundFast(high, low);
}

/**
 * target row list[i] += source row i for i < count (source packed densely, in list order). Both
 * rows below 2^15 cannot wrap; a poisoned operand poisons the result.
 */
export function fixedsumAddRows(target: usize, source: usize, list: usize, count: u32): void {
  for (let i: u32 = 0; i < count; i++) {
    const to = target + <usize>load<u32>(list + (<usize>i << 2)) * <usize>FIXEDSUM_ROW_BYTES;
    const from = source + <usize>i * <usize>FIXEDSUM_ROW_BYTES;
    const a0 = load<u64>(to);
    const a1 = load<u64>(to, 8);
    const a2 = load<u64>(to, 16);
    const b0 = load<u64>(from);
    const b1 = load<u64>(from, 8);
    const b2 = load<u64>(from, 16);
    const r0 = a0 + b0;
    const carry0 = carryOf(r0, b0);
    let r1 = a1 + b1;
    const carry1 = carryOf(r1, b1);
    r1 += carry0;
    const carry1b = carryOf(r1, carry0);
    const r2 = (a2 + b2 + carry1 + carry1b) | ((a2 | b2) & FIXEDSUM_POISON);
    fixedsumStore(to, r0, r1, r2);
  }
}

/** target row i := source row list[i] for i < count (what a mirror sends its master). */
export function fixedsumGatherRows(source: usize, list: usize, count: u32, target: usize): void {
  for (let i: u32 = 0; i < count; i++) {
    const from = source + <usize>load<u32>(list + (<usize>i << 2)) * <usize>FIXEDSUM_ROW_BYTES;
    const to = target + <usize>i * <usize>FIXEDSUM_ROW_BYTES;
    fixedsumStore(to, load<u64>(from), load<u64>(from, 8), load<u64>(from, 16));
  }
}

/** The float64 nearest to a row's value (NaN for a poisoned row). */
export function fixedsumRoundRow(row: usize): f64 {
  return fixedsumRound(load<u64>(row), load<u64>(row, 8), load<u64>(row, 16));
}
