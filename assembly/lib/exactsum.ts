// Exact, order-independent sum of float64 values, correctly rounded once at the end.
// Returns: the float64 nearest (ties to even) to the exact real sum, subnormals included.
// Method: a long accumulator (Kulisch-style) of signed i64 limbs, each standing for 32 bits; a
//   finite double m*2^(p-1074) adds m<<(p mod 32) into limbs p/32 .. p/32+2; carries are
//   propagated only when finalizing, merging, or after 2^30 additions.
// Requires: an accumulator region of EXACTSUM_BYTES at an 8-byte aligned offset, cleared first.
// Cite: U. Kulisch, "Computer Arithmetic and Validity" (2008), the exact scalar product.
//
// Accumulator region (EXACTSUM_SLOTS i64, little-endian):
//   slot 0 .. LIMBS-1   limb k weighs 2^(32k - 1074); after normalizing, limbs 0..LIMBS-2 lie in
//                       [0, 2^32) and the top limb carries the sign
//   slot PENDING        additions since the last normalization (keeps |limb| < 2^63)
//   slot SPECIAL        bit 0: +Infinity seen, bit 1: -Infinity seen, bit 2: NaN seen
//
// Bit positions of finite doubles run from 0 (2^-1074) to 2097 (the top bit of the largest
// double), i.e. limbs 0..65; two more limbs hold the carries of up to 2^31 * 2^30 additions.

export const EXACTSUM_LIMBS: i32 = 68;
export const EXACTSUM_PENDING: i32 = 68;
export const EXACTSUM_SPECIAL: i32 = 69;
export const EXACTSUM_SLOTS: i32 = 70;
export const EXACTSUM_BYTES: i32 = EXACTSUM_SLOTS * 8;

const LOW32: u64 = 0xffff_ffff;
/** Normalize before a limb could leave (-2^63, 2^63): each addition moves a limb by < 2^32. */
const PENDING_LIMIT: i64 = 1 << 30;

@inline function slot(acc: usize, index: i32): usize {
  return acc + (<usize>index << 3);
}

export function exactsumClear(acc: usize): void {
  memory.fill(acc, 0, <usize>EXACTSUM_BYTES);
}

/** Propagate carries so that limbs 0..LIMBS-2 lie in [0, 2^32). The value is unchanged. */
export function exactsumNormalize(acc: usize): void {
  let carry: i64 = 0;
  for (let k = 0; k < EXACTSUM_LIMBS - 1; k++) {
    const value = load<i64>(slot(acc, k)) + carry;
    store<i64>(slot(acc, k), value & <i64>LOW32);
    carry = value >> 32; // arithmetic shift: floor division by 2^32, so negative carries work
  }
  const top = slot(acc, EXACTSUM_LIMBS - 1);
  store<i64>(top, load<i64>(top) + carry);
  store<i64>(slot(acc, EXACTSUM_PENDING), 0);
}

@inline export function exactsumAdd(acc: usize, value: f64): void {
  const bits = reinterpret<u64>(value);
  const biased = <i32>((bits >> 52) & 0x7ff);
  if (biased == 0x7ff) {
    const special = slot(acc, EXACTSUM_SPECIAL);
    const flag: i64 = (bits & 0x000f_ffff_ffff_ffff) != 0 ? 4 : (bits >> 63) != 0 ? 2 : 1;
    store<i64>(special, load<i64>(special) | flag);
    return;
  }
  let mantissa = bits & 0x000f_ffff_ffff_ffff;
  // position of the mantissa's lowest bit, counted from 2^-1074 (subnormals: biased 0 -> 0)
  let position = 0;
  if (biased != 0) {
    mantissa |= 0x0010_0000_0000_0000;
    position = biased - 1;
  }
  if (mantissa == 0) return;
  const shift = <u64>(position & 31);
  const low = <i64>((mantissa << shift) & LOW32);
  const high = mantissa >> (32 - shift); // bits 32.. of mantissa<<shift (shift < 32: no overflow)
  const middle = <i64>(high & LOW32);
  const top = <i64>(high >> 32);
  const base = slot(acc, position >> 5);
  if ((bits >> 63) != 0) {
    store<i64>(base, load<i64>(base) - low);
    store<i64>(base + 8, load<i64>(base + 8) - middle);
    store<i64>(base + 16, load<i64>(base + 16) - top);
  } else {
    store<i64>(base, load<i64>(base) + low);
    store<i64>(base + 8, load<i64>(base + 8) + middle);
    store<i64>(base + 16, load<i64>(base + 16) + top);
  }
  const pending = slot(acc, EXACTSUM_PENDING);
  const count = load<i64>(pending) + 1;
  store<i64>(pending, count);
  if (count >= PENDING_LIMIT) exactsumNormalize(acc);
}

/** target += source (limb-wise). Both stay valid; source is left normalized. */
export function exactsumMerge(target: usize, source: usize): void {
  exactsumNormalize(target);
  exactsumNormalize(source);
  for (let k = 0; k < EXACTSUM_LIMBS; k++) {
    store<i64>(slot(target, k), load<i64>(slot(target, k)) + load<i64>(slot(source, k)));
  }
  const special = slot(target, EXACTSUM_SPECIAL);
  store<i64>(special, load<i64>(special) | load<i64>(slot(source, EXACTSUM_SPECIAL)));
  exactsumNormalize(target);
}

/** Bit `index` (from 2^-1074) of a normalized, non-negative accumulator. */
@inline function bitAt(acc: usize, index: i32): u64 {
  return (<u64>load<i64>(slot(acc, index >> 5)) >> <u64>(index & 31)) & 1;
}

/** The correctly rounded float64 of the exact sum. Leaves the accumulator normalized, same value. */
export function exactsumFinalize(acc: usize): f64 {
  const special = load<i64>(slot(acc, EXACTSUM_SPECIAL));
  if (special != 0) {
    if ((special & 4) != 0 || special == 3) return NaN;
    return special == 1 ? Infinity : -Infinity;
  }
  exactsumNormalize(acc);
  const topSlot = slot(acc, EXACTSUM_LIMBS - 1);
  const negative = load<i64>(topSlot) < 0;
  if (negative) {
    // Work on the magnitude: negate every limb, then carries restore the canonical form.
    for (let k = 0; k < EXACTSUM_LIMBS; k++) store<i64>(slot(acc, k), -load<i64>(slot(acc, k)));
    exactsumNormalize(acc);
  }
  // highest non-zero limb, then highest set bit
  let limb = EXACTSUM_LIMBS - 1;
  while (limb > 0 && load<i64>(slot(acc, limb)) == 0) limb--;
  const topBits = <u64>load<i64>(slot(acc, limb));
  // position of the leading 1 (-1 for a zero sum, which the next branch handles)
  const highest = (limb << 5) + 63 - <i32>clz(topBits);
  let bits: u64;
  if (highest <= 52) {
    // at most 53 bits from 2^-1074 up: exactly a subnormal or the smallest binade's double,
    // whose IEEE bit pattern is the integer itself
    bits = (<u64>load<i64>(slot(acc, 1)) << 32) | <u64>load<i64>(slot(acc, 0));
  } else {
    const lowest = highest - 52; // position of the last kept bit
    // gather bits lowest .. highest (53 bits, spanning at most 3 limbs)
    let kept: u64 = 0;
    for (let b = highest; b >= lowest; b--) kept = (kept << 1) | bitAt(acc, b);
    const roundBit = bitAt(acc, lowest - 1);
    let sticky = false;
    const stickyTop = lowest - 2; // bits 0 .. stickyTop decide ties
    if (stickyTop >= 0) {
      const stickyLimb = stickyTop >> 5;
      for (let k = 0; k < stickyLimb && !sticky; k++) sticky = load<i64>(slot(acc, k)) != 0;
      const mask: u64 = (<u64>2 << <u64>(stickyTop & 31)) - 1; // bits 0..stickyTop&31 of that limb
      if (!sticky) sticky = (<u64>load<i64>(slot(acc, stickyLimb)) & mask) != 0;
    }
    if (roundBit != 0 && (sticky || (kept & 1) != 0)) kept++;
    const biased = <u64>(highest - 51); // exponent field of a leading 1 at this position
    // (biased - 1) << 52 plus the 53-bit significand: a carry out of rounding (kept = 2^53)
    // bumps the exponent field by itself, up to the Infinity pattern.
    bits = biased >= 0x7ff ? <u64>0x7ff << 52 : ((biased - 1) << 52) + kept;
  }
  if (negative) {
    // give the accumulator its signed value back, so it can still be merged or added to
    for (let k = 0; k < EXACTSUM_LIMBS; k++) store<i64>(slot(acc, k), -load<i64>(slot(acc, k)));
    exactsumNormalize(acc);
  }
  const magnitude = reinterpret<f64>(bits);
  return negative ? -magnitude : magnitude;
}
