import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors.js';
import { generateErdosRenyi } from '../../src/generate/er.js';
import { generateRmat, MAX_INT_WEIGHT } from '../../src/generate/rmat.js';
import type { ArcArrays } from '../../src/input/graph.js';

function same(x: ArcArrays, y: ArcArrays): boolean {
  const equal = (p: ArrayLike<number> | undefined, q: ArrayLike<number> | undefined) =>
    p === q || (p !== undefined && q !== undefined && p.length === q.length && Array.prototype.every.call(p, (v: number, i: number) => v === q[i]));
  return x.n === y.n && equal(x.src, y.src) && equal(x.dst, y.dst) && equal(x.weights, y.weights);
}

/** Share of arc endpoints (out + in) held by the top `fraction` of vertices by total degree. */
function topShare(arcs: ArcArrays, fraction: number): number {
  const degree = new Uint32Array(arcs.n);
  for (let i = 0; i < arcs.src.length; i++) {
    degree[arcs.src[i]!]!++;
    degree[arcs.dst[i]!]!++;
  }
  degree.sort();
  const top = Math.max(1, Math.floor(arcs.n * fraction));
  let held = 0;
  for (let i = arcs.n - top; i < arcs.n; i++) held += degree[i]!;
  return held / (2 * arcs.src.length);
}

function expectOptionsError(action: () => unknown, option: string): void {
  let error: unknown;
  try {
    action();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(OptionsError);
  expect((error as OptionsError).option).toBe(option);
}

describe('generateRmat', () => {
  it('has n = 2^scale, m = edgeFactor * n and every id below n', () => {
    const arcs = generateRmat({ scale: 12, edgeFactor: 8, seed: 3 });
    expect(arcs.n).toBe(4096);
    expect(arcs.src.length).toBe(8 * 4096);
    expect(arcs.dst.length).toBe(8 * 4096);
    expect(arcs.weights).toBeUndefined();
    expect(Math.max(...Array.from(arcs.src), ...Array.from(arcs.dst))).toBeLessThan(4096);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateRmat({ scale: 10, seed: 42, weights: 'real' });
    const b = generateRmat({ scale: 10, seed: 42, weights: 'real' });
    const c = generateRmat({ scale: 10, seed: 43, weights: 'real' });
    expect(same(a, b)).toBe(true);
    expect(same(a, c)).toBe(false);
    // weights are drawn after the arcs: a weighted graph has the unweighted graph's arcs
    const unit = generateRmat({ scale: 10, seed: 42 });
    expect(same({ ...a, weights: undefined }, unit)).toBe(true);
  });

  it('picks quadrants with the Graph500 probabilities at every level', () => {
    // Without the permutation, bit l of src is set when the arc went to the bottom half at level l
    // (probability c + d = 0.24) and bit l of dst when it went right (b + d = 0.24).
    const scale = 10;
    const arcs = generateRmat({ scale, edgeFactor: 16, seed: 7, permute: false });
    const m = arcs.src.length;
    const sigma = Math.sqrt(0.24 * 0.76 / m);
    for (let level = 0; level < scale; level++) {
      let srcBits = 0;
      let dstBits = 0;
      let bothBits = 0;
      for (let i = 0; i < m; i++) {
        const s = (arcs.src[i]! >> level) & 1;
        const d = (arcs.dst[i]! >> level) & 1;
        srcBits += s;
        dstBits += d;
        bothBits += s & d;
      }
      expect(Math.abs(srcBits / m - 0.24)).toBeLessThan(5 * sigma);
      expect(Math.abs(dstBits / m - 0.24)).toBeLessThan(5 * sigma);
      // d = 1 - 0.57 - 0.19 - 0.19 = 0.05
      expect(Math.abs(bothBits / m - 0.05)).toBeLessThan(5 * Math.sqrt(0.05 * 0.95 / m));
    }
  });

  it('is skewed: the top 1% of vertices hold a large share of arc endpoints, unlike Erdős–Rényi', () => {
    const rmat = generateRmat({ scale: 14, seed: 1 });
    const er = generateErdosRenyi({ n: rmat.n, m: rmat.src.length }, 1);
    const rmatShare = topShare(rmat, 0.01);
    const erShare = topShare(er, 0.01);
    // Measured 0.35 for R-MAT scale 14 (seeds 1-3) and 0.015 for G(n, m) of the same size.
    expect(rmatShare).toBeGreaterThan(0.25);
    expect(erShare).toBeLessThan(0.03);
  });

  it('permutes ids: the heaviest vertex is not vertex 0 unless by chance, and degrees are preserved', () => {
    const plain = generateRmat({ scale: 12, seed: 5, permute: false });
    const permuted = generateRmat({ scale: 12, seed: 5 });
    const sortedDegrees = (arcs: ArcArrays) => {
      const degree = new Uint32Array(arcs.n);
      for (let i = 0; i < arcs.src.length; i++) degree[arcs.src[i]!]!++;
      return degree;
    };
    const plainDegrees = sortedDegrees(plain);
    const permutedDegrees = sortedDegrees(permuted);
    // without the permutation vertex 0 (always top-left) has the largest out-degree
    expect(plainDegrees[0]).toBe(Math.max(...plainDegrees));
    expect([...plainDegrees].sort((x, y) => x - y)).toEqual([...permutedDegrees].sort((x, y) => x - y));
    expect(permutedDegrees[0]).not.toBe(plainDegrees[0]);
  });

  it('draws integer weights in [1, 255] and real weights in [0, 1)', () => {
    const int = generateRmat({ scale: 8, seed: 1, weights: 'int' });
    const real = generateRmat({ scale: 8, seed: 1, weights: 'real' });
    const ints = Array.from(int.weights!);
    expect(ints.every((w) => Number.isInteger(w) && w >= 1 && w <= MAX_INT_WEIGHT)).toBe(true);
    expect(new Set(ints).size).toBeGreaterThan(200);
    const reals = Array.from(real.weights!);
    expect(reals.every((w) => w >= 0 && w < 1)).toBe(true);
    expect(reals.some((w) => !Number.isInteger(w * 256))).toBe(true);
  });

  it('rejects bad options naming the option', () => {
    expectOptionsError(() => generateRmat({ scale: 31 }), 'scale');
    expectOptionsError(() => generateRmat({ scale: -1 }), 'scale');
    expectOptionsError(() => generateRmat({ scale: 4, edgeFactor: 1.5 }), 'edgeFactor');
    expectOptionsError(() => generateRmat({ scale: 4, a: 0.7, b: 0.2, c: 0.2 }), 'a + b + c');
    expectOptionsError(() => generateRmat({ scale: 4, a: Number.NaN }), 'a');
    expectOptionsError(() => generateRmat({ scale: 4, weights: 'heavy' as never }), 'weights');
  });
});

describe('generateErdosRenyi', () => {
  /** The first arc that is a self-loop, out of range or not strictly after its predecessor in (src, dst) order; -1 if none. */
  function firstBadArc(arcs: ArcArrays): number {
    for (let i = 0; i < arcs.src.length; i++) {
      const s = arcs.src[i]!;
      const d = arcs.dst[i]!;
      if (s === d || s >= arcs.n || d >= arcs.n) return i;
      if (i > 0 && s * arcs.n + d <= arcs.src[i - 1]! * arcs.n + arcs.dst[i - 1]!) return i;
    }
    return -1;
  }
  function checkSimple(arcs: ArcArrays): void {
    expect(firstBadArc(arcs)).toBe(-1);
  }

  it('G(n, p) has a density within statistical bounds, and no loops or parallel arcs', () => {
    const n = 2000;
    const p = 0.004;
    const pairs = n * (n - 1);
    const sigma = Math.sqrt(pairs * p * (1 - p));
    const counts: number[] = [];
    for (const seed of [1, 2, 3]) {
      const arcs = generateErdosRenyi({ n, p }, seed);
      expect(Math.abs(arcs.src.length - pairs * p)).toBeLessThan(5 * sigma);
      counts.push(arcs.src.length);
      checkSimple(arcs);
    }
    expect(new Set(counts).size).toBe(3);
  });

  it('G(n, p) spreads arcs evenly: out-degrees have binomial mean and variance', () => {
    const n = 3000;
    const p = 0.01;
    const arcs = generateErdosRenyi({ n, p }, 9);
    const degree = new Float64Array(n);
    for (let i = 0; i < arcs.src.length; i++) degree[arcs.src[i]!]!++;
    const mean = degree.reduce((s, d) => s + d, 0) / n;
    const variance = degree.reduce((s, d) => s + (d - mean) ** 2, 0) / (n - 1);
    const expectedMean = (n - 1) * p;
    const expectedVariance = (n - 1) * p * (1 - p);
    expect(Math.abs(mean - expectedMean)).toBeLessThan(5 * Math.sqrt(expectedVariance / n));
    // the sample variance of n binomials is within ~10% of the true one for n = 3000
    expect(Math.abs(variance / expectedVariance - 1)).toBeLessThan(0.15);
    // in-degree too: the target of a skipped-to pair is uniform, not biased to low ids
    const inDegree = new Float64Array(n);
    for (let i = 0; i < arcs.dst.length; i++) inDegree[arcs.dst[i]!]!++;
    const lowHalf = inDegree.subarray(0, n / 2).reduce((s, d) => s + d, 0);
    expect(Math.abs(lowHalf / arcs.dst.length - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / arcs.dst.length));
  });

  it('G(n, p) handles p = 0, p = 1, n = 0 and n = 1', () => {
    expect(generateErdosRenyi({ n: 50, p: 0 }, 1).src.length).toBe(0);
    const complete = generateErdosRenyi({ n: 6, p: 1 }, 1);
    expect(complete.src.length).toBe(30);
    checkSimple(complete);
    expect(generateErdosRenyi({ n: 0, p: 0.5 }, 1).src.length).toBe(0);
    expect(generateErdosRenyi({ n: 1, p: 0.5 }, 1).src.length).toBe(0);
  });

  it('G(n, m) has exactly m distinct arcs, also when m is most of all pairs', () => {
    for (const [n, m] of [
      [1000, 20000],
      [30, 800], // more than half of the 870 pairs: the complement path
      [30, 870], // every pair
      [10, 0],
    ] as const) {
      const arcs = generateErdosRenyi({ n, m }, 11);
      expect(arcs.src.length).toBe(m);
      checkSimple(arcs);
    }
  });

  it('G(n, m) is deterministic for a seed and uniform over sources', () => {
    const a = generateErdosRenyi({ n: 500, m: 10000, weights: 'int' }, 5);
    expect(same(a, generateErdosRenyi({ n: 500, m: 10000, weights: 'int' }, 5))).toBe(true);
    expect(same(a, generateErdosRenyi({ n: 500, m: 10000, weights: 'int' }, 6))).toBe(false);
    let lowHalf = 0;
    for (let i = 0; i < a.src.length; i++) if (a.src[i]! < 250) lowHalf++;
    expect(Math.abs(lowHalf / 10000 - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / 10000));
  });

  it('rejects bad parameters naming them', () => {
    expectOptionsError(() => generateErdosRenyi({ n: 10, p: 1.5 }), 'p');
    expectOptionsError(() => generateErdosRenyi({ n: 10, p: -0.1 }), 'p');
    expectOptionsError(() => generateErdosRenyi({ n: 10, m: 91 }), 'm');
    expectOptionsError(() => generateErdosRenyi({ n: -1, m: 0 }), 'n');
    expectOptionsError(() => generateErdosRenyi({ n: 2.5, p: 0.1 }), 'n');
  });
});
