/**
 * Erdős–Rényi random directed graphs, without self-loops or parallel arcs.
 *
 * - G(n, p): each of the n(n − 1) ordered pairs u ≠ v is an arc independently with probability p.
 *   Generated in O(n + m) by geometric skipping: the gap to the next arc is drawn directly
 *   (Batagelj and Brandes, "Efficient generation of large random networks", Phys. Rev. E 71, 2005).
 * - G(n, m): exactly m distinct arcs, every such set equally likely. Arcs are drawn as uniform
 *   pair indices; duplicates are removed after a sort and redrawn until m remain (the process
 *   treats all pairs alike, so the result is uniform). When m is more than half of all pairs, the
 *   pairs to leave out are drawn instead.
 *
 * Pair index k in [0, n(n − 1)) stands for the arc u → v with u = ⌊k / (n − 1)⌋ and v the
 * (k mod (n − 1))-th vertex other than u, so arcs come out sorted by (src, dst).
 */
import { OptionsError } from '../errors.js';
import type { ArcArrays } from '../input/graph.js';
import { MAX_ARCS, MAX_VERTICES } from '../input/graph.js';
import { Prng } from './prng.js';
import { checkWeights, drawWeights, type GeneratedWeights } from './rmat.js';

export type ErdosRenyiParameters = ({ n: number; p: number; m?: undefined } | { n: number; m: number; p?: undefined }) & {
  weights?: GeneratedWeights;
};

/** Pair indices must stay exact in a double. */
const MAX_PAIRS = 2 ** 53;

export function generateErdosRenyi(parameters: ErdosRenyiParameters, seed: number | bigint = 0): ArcArrays {
  const { n } = parameters;
  const weights = parameters.weights ?? 'unit';
  if (!(Number.isInteger(n) && n >= 0 && n <= MAX_VERTICES)) throw new OptionsError('n', `must be an integer in [0, ${MAX_VERTICES}]`, n);
  checkWeights(weights);
  const pairs = n * (n - 1);
  if (pairs > MAX_PAIRS) throw new OptionsError('n', `must keep n(n - 1) below 2^53 for exact pair indices`, n);
  const prng = new Prng(seed);
  let keys: Float64Array;
  let label: string;
  if (parameters.p !== undefined) {
    const { p } = parameters;
    if (!(Number.isFinite(p) && p >= 0 && p <= 1)) throw new OptionsError('p', 'must be a probability in [0, 1]', p);
    if (pairs * p > MAX_ARCS) throw new OptionsError('p', `gives about ${Math.round(pairs * p)} arcs, above the limit of ${MAX_ARCS}`, p);
    keys = sampleBernoulli(pairs, p, prng);
    label = `er-n${n}-p${p}-seed${String(seed)}`;
  } else {
    const { m } = parameters;
    if (!(Number.isInteger(m) && m >= 0)) throw new OptionsError('m', 'must be a non-negative integer', m);
    if (m > pairs) throw new OptionsError('m', `must be at most n(n - 1) = ${pairs} (no self-loops, no parallel arcs)`, m);
    if (m > MAX_ARCS) throw new OptionsError('m', `must be at most ${MAX_ARCS}`, m);
    keys = m <= pairs / 2 ? sampleDistinct(pairs, m, n, prng) : complement(pairs, sampleDistinct(pairs, pairs - m, n, prng));
    label = `er-n${n}-m${m}-seed${String(seed)}`;
  }

  const m = keys.length;
  const src = new Uint32Array(m);
  const dst = new Uint32Array(m);
  const others = n - 1;
  for (let i = 0; i < m; i++) {
    const k = keys[i]!;
    const u = Math.floor(k / others);
    const j = k - u * others;
    src[i] = u;
    dst[i] = j < u ? j : j + 1;
  }
  const arcs: ArcArrays = { n, src, dst, name: label };
  const drawn = drawWeights(weights, m, prng);
  if (drawn) arcs.weights = drawn;
  return arcs;
}

/** Ascending indices in [0, pairs), each present with probability p, by geometric skipping. */
function sampleBernoulli(pairs: number, p: number, prng: Prng): Float64Array {
  if (p === 0 || pairs === 0) return new Float64Array(0);
  if (p === 1) {
    const all = new Float64Array(pairs);
    for (let k = 0; k < pairs; k++) all[k] = k;
    return all;
  }
  // Room for the mean plus six standard deviations; grown by doubling in the rare case beyond.
  const mean = pairs * p;
  let keys = new Float64Array(Math.ceil(mean + 6 * Math.sqrt(mean) + 16));
  const logMiss = Math.log1p(-p);
  let count = 0;
  let k = -1;
  for (;;) {
    // The gap before the next arc is geometric: P(gap = g) = (1 - p)^g p.
    const gap = Math.floor(Math.log1p(-prng.nextFloat()) / logMiss);
    k += 1 + gap;
    if (!(k < pairs)) break;
    if (count === keys.length) {
      const grown = new Float64Array(keys.length * 2);
      grown.set(keys);
      keys = grown;
    }
    keys[count++] = k;
  }
  return keys.slice(0, count);
}

/** `count` distinct indices in [0, pairs), ascending, uniform among all such sets; count <= pairs / 2. */
function sampleDistinct(pairs: number, count: number, n: number, prng: Prng): Float64Array {
  let keys: Float64Array = new Float64Array(count);
  let filled = 0;
  while (filled < count) {
    for (let i = filled; i < count; i++) keys[i] = prng.nextInt(pairs);
    keys = sortPairIndices(keys, n);
    // Remove duplicates in place; the freed tail is redrawn on the next round.
    let unique = count > 0 ? 1 : 0;
    for (let i = 1; i < count; i++) if (keys[i] !== keys[unique - 1]) keys[unique++] = keys[i]!;
    filled = unique;
  }
  return keys;
}

/** The ascending indices of [0, pairs) not in `excluded` (ascending). */
function complement(pairs: number, excluded: Float64Array): Float64Array {
  const keys = new Float64Array(pairs - excluded.length);
  let next = 0;
  let count = 0;
  for (let k = 0; k < pairs; k++) {
    if (next < excluded.length && excluded[next] === k) next++;
    else keys[count++] = k;
  }
  return keys;
}

/**
 * Sort pair indices: a counting sort by source vertex, then a sort within each source's bucket.
 * About 3x faster than sorting 16M doubles at once (V8's typed-array sort is a comparison sort).
 */
function sortPairIndices(keys: Float64Array, n: number): Float64Array {
  const others = n - 1;
  const start = new Uint32Array(n + 1);
  for (let i = 0; i < keys.length; i++) start[Math.floor(keys[i]! / others) + 1]!++;
  for (let u = 0; u < n; u++) start[u + 1]! += start[u]!;
  const cursor = start.slice(0, n);
  const sorted = new Float64Array(keys.length);
  for (let i = 0; i < keys.length; i++) sorted[cursor[Math.floor(keys[i]! / others)]!++] = keys[i]!;
  for (let u = 0; u < n; u++) {
    const from = start[u]!;
    const to = start[u + 1]!;
    if (to - from > 1) sorted.subarray(from, to).sort();
  }
  return sorted;
}
