/**
 * A small seeded pseudo-random generator for the graph and network generators.
 *
 * xoshiro128** (Blackman and Vigna, "Scrambled linear pseudorandom number generators", 2018): four
 * 32-bit words of state, 32-bit output, period 2^128 − 1. Only 32-bit integer operations
 * (`Math.imul`, shifts), so it is fast in plain JavaScript and gives the same stream on every
 * platform. The state is seeded with splitmix64 of the seed, as the xoshiro authors advise, so
 * neighbouring seeds (0, 1, 2, ...) give unrelated streams and the state is never all zero.
 *
 * Not for cryptography. The stream for a given seed is part of the generators' contract: changing
 * it changes every generated network, so do not change it.
 */
import { OptionsError } from '../errors.js';

const MASK64 = (1n << 64n) - 1n;
const TWO_POW_32 = 4294967296;

function splitmix64(state: bigint): [bigint, bigint] {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [next, z ^ (z >> 31n)];
}

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** `seed`: any integer number (negative and above 2^32 allowed) or bigint; taken modulo 2^64. */
  constructor(seed: number | bigint = 0) {
    if (typeof seed === 'number' && !Number.isSafeInteger(seed)) throw new OptionsError('seed', 'must be a safe integer', seed);
    let state = BigInt.asUintN(64, BigInt(seed));
    let a: bigint;
    let b: bigint;
    [state, a] = splitmix64(state);
    [state, b] = splitmix64(state);
    this.s0 = Number(a & 0xffffffffn) | 0;
    this.s1 = Number(a >> 32n) | 0;
    this.s2 = Number(b & 0xffffffffn) | 0;
    this.s3 = Number(b >> 32n) | 0;
    // splitmix64 is a bijection of its counter, so two consecutive outputs are never both zero.
  }

  /** The next 32 random bits as an unsigned integer in [0, 2^32). */
  nextU32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    // result = rotl(s1 * 5, 7) * 9
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /** A float in [0, 1) with 53 random bits (two draws). */
  nextFloat(): number {
    const high = this.nextU32() >>> 5; // 27 bits
    const low = this.nextU32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /**
   * An unbiased integer in [0, bound), for an integer bound in [1, 2^53]. Rejection sampling:
   * draws falling in the incomplete last block of size (range mod bound) are redrawn, so every
   * value has exactly the same number of preimages.
   */
  nextInt(bound: number): number {
    if (!(Number.isInteger(bound) && bound >= 1 && bound <= 9007199254740992)) {
      throw new OptionsError('bound', 'must be an integer in [1, 2^53]', bound);
    }
    if (bound <= TWO_POW_32) {
      // Values below `threshold` lie in the incomplete block and are rejected.
      const threshold = (TWO_POW_32 - bound) % bound;
      for (;;) {
        const r = this.nextU32();
        if (r >= threshold) return r % bound;
      }
    }
    const range = 9007199254740992;
    const threshold = (range - bound) % bound;
    for (;;) {
      const r = (this.nextU32() >>> 11) * TWO_POW_32 + this.nextU32(); // 53 bits
      if (r >= threshold) return r % bound;
    }
  }

  /** A standard normal deviate (Box–Muller, one of the pair; two uniform draws). */
  nextNormal(): number {
    const u = 1 - this.nextFloat(); // (0, 1]: log is finite
    const v = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** A generator seeded with `seed`: `createPrng(42).nextInt(10)`. */
export function createPrng(seed: number | bigint = 0): Prng {
  return new Prng(seed);
}
