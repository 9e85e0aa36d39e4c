/**
 * R-MAT / Kronecker graph generator with the Graph500 parameters.
 *
 * Each arc picks one quadrant of the adjacency matrix per level of recursion with probabilities
 * a, b, c, d = 1 − a − b − c (Chakrabarti, Zhan, Faloutsos, "R-MAT: A Recursive Model for Graph
 * Mining", SDM 2004), `scale` levels for n = 2^scale vertices; m = edgeFactor · n arcs. Defaults
 * are the Graph500 specification's (a = 0.57, b = c = 0.19, edge factor 16). Self-loops and
 * parallel arcs are kept, as Graph500 keeps them. Vertex ids are then relabelled by a seeded
 * random permutation, as the Graph500 generator does, so that high-degree vertices are not all
 * at small ids (which would flatter any partitioner that splits by id range).
 *
 * Cost: one 32-bit draw per level per arc (31 bits of it are compared against cumulative
 * thresholds, without branches): about 1.7 s for scale 20 (16M arcs) on one core. Memory: 8 bytes
 * per arc for src/dst plus 4 or 8 for weights; scale 22 (4M vertices, 64M arcs, unweighted) needs
 * 512 MiB.
 */
import { OptionsError } from '../errors.js';
import type { ArcArrays } from '../input/graph.js';
import { MAX_ARCS } from '../input/graph.js';
import { Prng } from './prng.js';

export type GeneratedWeights = 'unit' | 'int' | 'real';

export interface RmatOptions {
  /** log2 of the vertex count, an integer in [0, 30] */
  scale: number;
  /** arcs per vertex (default 16) */
  edgeFactor?: number;
  a?: number;
  b?: number;
  c?: number;
  /** the generator's seed (default 0) */
  seed?: number | bigint;
  /** relabel vertices by a seeded random permutation (default true, as Graph500) */
  permute?: boolean;
  /** unit (no weights, default), int (uniform integers 1..255) or real (uniform in [0, 1), Graph500's SSSP weights) */
  weights?: GeneratedWeights;
}

/** The largest weight of `weights: 'int'`. */
export const MAX_INT_WEIGHT = 255;

export function generateRmat(options: RmatOptions): ArcArrays {
  const { scale, edgeFactor = 16, a = 0.57, b = 0.19, c = 0.19, seed = 0, permute = true, weights = 'unit' } = options;
  if (!(Number.isInteger(scale) && scale >= 0 && scale <= 30)) throw new OptionsError('scale', 'must be an integer in [0, 30]', scale);
  if (!(Number.isInteger(edgeFactor) && edgeFactor >= 0)) throw new OptionsError('edgeFactor', 'must be a non-negative integer', edgeFactor);
  for (const [name, value] of [['a', a], ['b', b], ['c', c]] as const) {
    if (!(Number.isFinite(value) && value >= 0 && value <= 1)) throw new OptionsError(name, 'must be a probability in [0, 1]', value);
  }
  if (!(a + b + c <= 1 + 1e-12)) throw new OptionsError('a + b + c', 'must be at most 1 (d = 1 - a - b - c)', a + b + c);
  checkWeights(weights);
  const n = 2 ** scale;
  const m = edgeFactor * n;
  if (m > MAX_ARCS) throw new OptionsError('edgeFactor', `gives ${m} arcs, above the limit of ${MAX_ARCS}`, edgeFactor);

  const prng = new Prng(seed);
  const src = new Uint32Array(m);
  const dst = new Uint32Array(m);
  // Cumulative quadrant thresholds on a 31-bit draw: [0, A) top-left, [A, AB) top-right (dst bit),
  // [AB, ABC) bottom-left (src bit), [ABC, 2^31) bottom-right (both bits). 31 bits, not 32, so
  // that `(T - 1 - r) >> 31` is -1 exactly when r >= T and the choice needs no branch: the
  // quadrant is unpredictable, and mispredicted branches cost more than the draws themselves.
  const A = Math.floor(a * 2147483648);
  const AB = Math.floor((a + b) * 2147483648);
  const ABC = Math.min(2147483648, Math.floor((a + b + c) * 2147483648));
  for (let i = 0; i < m; i++) {
    let s = 0;
    let d = 0;
    for (let level = 0; level < scale; level++) {
      const r = prng.nextU32() >>> 1;
      const atLeastA = (A - 1 - r) >> 31;
      const atLeastAB = (AB - 1 - r) >> 31;
      const atLeastABC = (ABC - 1 - r) >> 31;
      // src bit in the bottom half (r >= AB); dst bit in the right half: [A, AB) or [ABC, 2^31)
      s |= atLeastAB & (1 << level);
      d |= (atLeastA ^ atLeastAB ^ atLeastABC) & (1 << level);
    }
    src[i] = s;
    dst[i] = d;
  }

  if (permute && n > 1) {
    const permutation = randomPermutation(n, prng);
    for (let i = 0; i < m; i++) {
      src[i] = permutation[src[i]!]!;
      dst[i] = permutation[dst[i]!]!;
    }
  }
  const arcs: ArcArrays = { n, src, dst, name: `rmat-s${scale}-ef${edgeFactor}-seed${String(seed)}` };
  const drawn = drawWeights(weights, m, prng);
  if (drawn) arcs.weights = drawn;
  return arcs;
}

/** A uniformly random permutation of [0, n) (Fisher–Yates, Knuth's Algorithm P). */
export function randomPermutation(n: number, prng: Prng): Uint32Array {
  const permutation = new Uint32Array(n);
  for (let i = 0; i < n; i++) permutation[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = prng.nextInt(i + 1);
    const t = permutation[i]!;
    permutation[i] = permutation[j]!;
    permutation[j] = t;
  }
  return permutation;
}

export function checkWeights(weights: unknown): asserts weights is GeneratedWeights {
  if (weights !== 'unit' && weights !== 'int' && weights !== 'real') throw new OptionsError('weights', 'must be one of unit, int, real', weights);
}

/** Weights for m arcs drawn after the arcs themselves (so unit and weighted graphs share arcs). */
export function drawWeights(weights: GeneratedWeights, m: number, prng: Prng): Int32Array | Float64Array | undefined {
  if (weights === 'int') {
    const out = new Int32Array(m);
    for (let i = 0; i < m; i++) out[i] = 1 + prng.nextInt(MAX_INT_WEIGHT);
    return out;
  }
  if (weights === 'real') {
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) out[i] = prng.nextFloat();
    return out;
  }
  return undefined;
}
