/**
 * Oracle: the exact sum of float64 values with BigInt, rounded once to the nearest float64 (ties
 * to even). Written independently of assembly/lib/exactsum.ts, to hold it to account.
 *
 * Every finite double is an integer multiple of 2^-1074, so the sum is held as a BigInt count of
 * 2^-1074 units. Infinities and NaN follow IEEE addition: NaN if any NaN or both infinities.
 */

const SCALE_BITS = 1074n;
const MANTISSA_BITS = 53n;

/** The double as an exact BigInt multiple of 2^-1074 (finite doubles only). */
export function toUnits(value: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const exponentField = (bits >> 52n) & 0x7ffn;
  const fraction = bits & ((1n << 52n) - 1n);
  const units = exponentField === 0n ? fraction : (fraction | (1n << 52n)) << (exponentField - 1n);
  return bits >> 63n ? -units : units;
}

/** The nearest double (ties to even) to units * 2^-1074. */
export function fromUnits(units: bigint): number {
  if (units === 0n) return 0;
  const negative = units < 0n;
  let magnitude = negative ? -units : units;
  const length = BigInt(magnitude.toString(2).length);
  const shift = length > MANTISSA_BITS ? length - MANTISSA_BITS : 0n;
  if (shift > 0n) {
    const kept = magnitude >> shift;
    const rest = magnitude - (kept << shift);
    const half = 1n << (shift - 1n);
    const roundUp = rest > half || (rest === half && (kept & 1n) === 1n);
    magnitude = kept + (roundUp ? 1n : 0n);
  }
  // magnitude * 2^(shift - 1074), with magnitude < 2^53 when shift = 0 (then the product is an
  // exactly representable subnormal or small normal) and 2^52 <= magnitude <= 2^53 otherwise
  // (then it is normal, or beyond the range and IEEE multiplication gives Infinity): one exact
  // multiplication by a power of two that is itself representable.
  const result = Number(magnitude) * powerOfTwo(Number(shift - SCALE_BITS));
  return negative ? -result : result;
}

/** 2^k for -1074 <= k <= 1023, built from its bit pattern (no reliance on Math.pow's accuracy). */
function powerOfTwo(k: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, k >= -1022 ? BigInt(k + 1023) << 52n : 1n << BigInt(k + 1074));
  return view.getFloat64(0);
}

export function exactSumOracle(values: ArrayLike<number>): number {
  let units = 0n;
  let positiveInfinity = false;
  let negativeInfinity = false;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (Number.isNaN(value)) return NaN;
    if (value === Infinity) positiveInfinity = true;
    else if (value === -Infinity) negativeInfinity = true;
    else units += toUnits(value);
  }
  if (positiveInfinity && negativeInfinity) return NaN;
  if (positiveInfinity) return Infinity;
  if (negativeInfinity) return -Infinity;
  return fromUnits(units);
}
