/**
 * The exact accumulator (assembly/lib/exactsum.ts) against the BigInt oracle, and the oracle
 * itself against IEEE addition of two doubles (which is correctly rounded by definition).
 */
import { describe, expect, it } from 'vitest';
import { createHostSync } from '../../src/index.js';
import { graphKernels } from '../../src/execute/kernels.js';
import { exactSumOracle } from '../../src/oracle/exactsum.js';
import { Random } from '../helpers/random.js';

const host = createHostSync();
const kernels = graphKernels(host);
const accumulator = host.arena.alloc(kernels.exactsum_bytes(), 64);
const other = host.arena.alloc(kernels.exactsum_bytes(), 64);
const CAPACITY = 4096;
const values = host.allocArray(Float64Array, CAPACITY);

function bitsOf(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0);
}

/** A double with a random sign, random mantissa bits and an exponent drawn from the whole range. */
function wildDouble(random: Random): number {
  const view = new DataView(new ArrayBuffer(8));
  const exponentField = random.pick([0, 1, 2, random.int(0, 2046), random.int(900, 1100), random.int(1990, 2046), random.int(0, 60)]);
  const high = (random.chance(0.5) ? 0x8000_0000 : 0) | (exponentField << 20) | (random.u32() & 0xfffff);
  view.setUint32(0, high >>> 0);
  view.setUint32(4, random.u32());
  return view.getFloat64(0);
}

/** Values that cancel: x, then -x plus small leftovers, in shuffled order. */
function cancelling(random: Random, count: number): number[] {
  const out: number[] = [];
  while (out.length < count) {
    const x = wildDouble(random);
    out.push(x, -x);
    if (random.chance(0.3)) out.push(wildDouble(random) * 2 ** -900);
  }
  return random.shuffle(out);
}

function kernelSum(items: number[]): number {
  host.view(Float64Array, values, items.length).set(items);
  kernels.exactsum_clear(accumulator);
  kernels.exactsum_add_array(accumulator, values, items.length);
  return kernels.exactsum_finalize(accumulator);
}

function sameNumber(actual: number, expected: number): boolean {
  // the exact sum of zeros is +0 whatever their signs, so +0 and -0 count as equal here
  return actual === expected || (Number.isNaN(actual) && Number.isNaN(expected));
}

describe('exact sum', () => {
  it('oracle: the sum of two doubles is IEEE addition (correct rounding, subnormals, overflow)', () => {
    const random = new Random(1);
    for (let i = 0; i < 20000; i++) {
      const a = wildDouble(random);
      const b = random.chance(0.3) ? -a * (1 + random.float() * 2 ** -40) : wildDouble(random);
      expect(sameNumber(exactSumOracle([a, b]), a + b), `${a} + ${b}`).toBe(true);
    }
  });

  it('kernel equals the BigInt oracle bit for bit on random arrays', () => {
    const random = new Random(2);
    for (let trial = 0; trial < 600; trial++) {
      const count = random.pick([0, 1, 2, 3, random.int(4, 60), random.int(100, 2000)]);
      const items = random.chance(0.4) ? cancelling(random, count) : Array.from({ length: count }, () => wildDouble(random));
      const expected = exactSumOracle(items);
      const actual = kernelSum(items);
      if (!sameNumber(actual, expected)) {
        throw new Error(`trial ${trial}: got ${actual} (${bitsOf(actual).toString(16)}), expected ${expected} (${bitsOf(expected).toString(16)})`);
      }
    }
  });

  it('kernel equals IEEE addition for pairs, including ties to even and subnormal results', () => {
    const random = new Random(3);
    for (let i = 0; i < 5000; i++) {
      const a = wildDouble(random);
      // neighbours of a at half-ulp distances produce ties
      const b = random.chance(0.5) ? a * 2 ** -53 * random.pick([1, 3, -1, -3]) : wildDouble(random);
      expect(sameNumber(kernelSum([a, b]), a + b), `${a} + ${b}`).toBe(true);
    }
    const tiny = 2 ** -1074;
    expect(kernelSum([tiny, tiny, tiny])).toBe(3 * tiny);
    expect(kernelSum([2 ** -1022, -tiny])).toBe(2 ** -1022 - tiny);
    expect(kernelSum([1, 2 ** -53])).toBe(1); // tie, 1 is even
    expect(kernelSum([1 + 2 ** -52, 2 ** -53])).toBe(1 + 2 ** -51); // tie, rounds to even upward
    expect(kernelSum([1, 2 ** -53, 2 ** -1074])).toBe(1 + 2 ** -52); // just above the tie
  });

  it('is exact where float addition is not, and independent of order', () => {
    expect(kernelSum([1e308, 1, -1e308])).toBe(1);
    expect(kernelSum([0.1, 0.2, 0.3, -0.6])).toBe(exactSumOracle([0.1, 0.2, 0.3, -0.6]));
    expect(kernelSum([0.1, 0.2, 0.3, -0.6])).not.toBe(0.1 + 0.2 + 0.3 - 0.6);
    // far beyond the largest double in the middle, back in range at the end
    const max = Number.MAX_VALUE;
    expect(kernelSum([...new Array<number>(1000).fill(max), ...new Array<number>(1000).fill(-max), 3])).toBe(3);
    expect(kernelSum([max, max])).toBe(Infinity);
    expect(kernelSum([-max, -max, max])).toBe(-max);
    const random = new Random(4);
    const items = cancelling(random, 500);
    const first = kernelSum(items);
    for (let i = 0; i < 10; i++) expect(kernelSum(random.shuffle([...items]))).toBe(first);
  });

  it('normalizes by itself after 2^30 pending additions (limbs never overflow)', () => {
    // slot 68 of the accumulator counts additions since the last normalization (exactsum.ts)
    const PENDING_SLOT = 68;
    const random = new Random(6);
    const items = cancelling(random, 40);
    kernels.exactsum_clear(accumulator);
    const pending = host.view(BigInt64Array, accumulator, 70);
    pending[PENDING_SLOT] = 2n ** 30n - 5n;
    for (const item of items) kernels.exactsum_add(accumulator, item);
    expect(pending[PENDING_SLOT]).toBeLessThan(BigInt(items.length)); // it was reset on the way
    expect(sameNumber(kernels.exactsum_finalize(accumulator), exactSumOracle(items))).toBe(true);
  });

  it('propagates infinities and NaN as IEEE addition does', () => {
    expect(kernelSum([1, Infinity])).toBe(Infinity);
    expect(kernelSum([-Infinity, 5])).toBe(-Infinity);
    expect(kernelSum([Infinity, -Infinity])).toBeNaN();
    expect(kernelSum([NaN, 1])).toBeNaN();
    expect(kernelSum([])).toBe(0);
  });

  it('merging two accumulators equals one accumulator over all values, and finalize keeps the value', () => {
    const random = new Random(5);
    for (let trial = 0; trial < 100; trial++) {
      const items = cancelling(random, random.int(0, 300));
      const cut = random.int(0, items.length);
      host.view(Float64Array, values, items.length).set(items);
      kernels.exactsum_clear(accumulator);
      kernels.exactsum_clear(other);
      kernels.exactsum_add_array(accumulator, values, cut);
      for (let i = cut; i < items.length; i++) kernels.exactsum_add(other, items[i]!);
      kernels.exactsum_finalize(other); // must not disturb the value it holds
      kernels.exactsum_merge(accumulator, other);
      const expected = exactSumOracle(items);
      expect(sameNumber(kernels.exactsum_finalize(accumulator), expected)).toBe(true);
      expect(sameNumber(kernels.exactsum_finalize(accumulator), expected)).toBe(true);
    }
  });
});
