/**
 * Issue 4: PageRank's per-vertex in-arc sums are exact (assembly/lib/fixedsum.ts), so any split of
 * a vertex's in-arcs, summed per part (pagerank_partial) and merged (fixedsum_add_rows), then
 * finished (pagerank_apply), gives the same bits as pagerank_pull on the whole graph. The sums are
 * held to the BigInt oracle (src/oracle/exactsum.ts), which shares no code with the limbs.
 */
import { describe, expect, it } from 'vitest';
import { createHostSync } from '../../src/index.js';
import { ErrorCode, SimulationError } from '../../src/errors.js';
import { graphKernels } from '../../src/execute/kernels.js';
import { checkChange } from '../../src/execute/pagerank.js';
import { exactSumOracle } from '../../src/oracle/exactsum.js';
import { Random } from '../helpers/random.js';

const host = createHostSync({ initialBytes: 64 << 20 });
const kernels = graphKernels(host);
const ROW = kernels.fixedsum_row_bytes();

/** A double from its sign-free exponent (unbiased) and 52 fraction bits drawn at random. */
function withExponent(random: Random, exponent: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, ((exponent + 1023) << 20) | (random.u32() & 0xfffff));
  view.setUint32(4, random.u32());
  return view.getFloat64(0);
}

/** Values the window accepts: every band, its edges, and the kind PageRank produces. */
function contribution(random: Random, fastOnly: boolean): number {
  const roll = random.float();
  if (fastOnly || roll < 0.6) return withExponent(random, random.int(-51, 0)); // band A
  if (roll < 0.75) return withExponent(random, random.int(-103, -52)); // band B
  if (roll < 0.85) return withExponent(random, random.int(-124, -104)); // band C
  if (roll < 0.9) return random.pick([2 ** -124, 2 ** -51, 2 ** -52, 2 - 2 ** -52, 1, 0, -0, 2 ** -103 * (2 - 2 ** -52)]);
  return random.float() / random.int(1, 1000); // a score over an out-degree
}

interface Csc {
  n: number;
  offsets: Uint32Array;
  sources: Uint32Array;
}

/** In-arc lists: parallel arcs (repeated sources), empty vertices, sometimes one giant vertex. */
function randomCsc(random: Random, sourceCount: number): Csc {
  const n = random.int(1, 40);
  const degrees = Array.from({ length: n }, () => (random.chance(0.3) ? 0 : random.int(1, random.pick([3, 9, 40]))));
  if (random.chance(0.15)) degrees[random.int(0, n - 1)] = random.int(2040, 6000); // chunks of 2048
  const offsets = new Uint32Array(n + 1);
  for (let v = 0; v < n; v++) offsets[v + 1] = offsets[v]! + degrees[v]!;
  const sources = new Uint32Array(offsets[n]!);
  for (let i = 0; i < sources.length; i++) sources[i] = random.chance(0.2) && i > 0 ? sources[i - 1]! : random.int(0, sourceCount - 1);
  return { n, offsets, sources };
}

/** Regions in shared memory for one case; released by the caller through the arena mark. */
function place(csc: Csc, contributions: Float64Array) {
  const offsets = copyIn(csc.offsets);
  const sources = copyIn(csc.sources);
  const contrib = copyIn(contributions);
  return { offsets, sources, contrib };
}

/** pagerank_pull with damping 1, no dangling share and no teleport: next[v] is the sum itself. */
function pullSums(csc: Csc, regions: ReturnType<typeof place>): Float64Array {
  const scores = host.allocArray(Float64Array, csc.n);
  const next = host.allocArray(Float64Array, csc.n);
  const delta = host.arena.alloc(kernels.exactsum_bytes(), 64);
  host.view(Float64Array, scores, csc.n).fill(0);
  kernels.exactsum_clear(delta);
  const arcs = kernels.pagerank_pull(regions.offsets, regions.sources, regions.contrib, scores, next, 0, csc.n, 1, 0, 0, delta);
  expect(arcs).toBe(csc.sources.length);
  return host.view(Float64Array, next, csc.n).slice();
}

function oracleSums(csc: Csc, contributions: Float64Array): number[] {
  return Array.from({ length: csc.n }, (_, v) => {
    const values: number[] = [];
    for (let i = csc.offsets[v]!; i < csc.offsets[v + 1]!; i++) values.push(contributions[csc.sources[i]!]!);
    return exactSumOracle(values);
  });
}

/** A typed array copied into the arena; its offset. */
function copyIn(values: Uint32Array | Float64Array): number {
  const Type = values instanceof Uint32Array ? Uint32Array : Float64Array;
  const offset = host.allocArray(Type, Math.max(1, values.length));
  host.view(Type, offset, values.length).set(values);
  return offset;
}

function withArena<T>(body: () => T): T {
  const mark = host.arena.mark();
  try {
    return body();
  } finally {
    host.arena.release(mark);
  }
}

/** +0 and -0 are the same sum here (the exact sum of zeros is +0, and +0 + -0 too). */
function expectSameSums(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  for (let v = 0; v < expected.length; v++) {
    const a = actual[v]!;
    const e = expected[v]!;
    expect(a === e || (Number.isNaN(a) && Number.isNaN(e)), `${label} vertex ${v}: ${a} vs ${e}`).toBe(true);
  }
}

describe('PageRank in-arc sums are exact (issue 4)', () => {
  it('pull, partial and round equal the BigInt oracle on random in-arc lists (every band, chunks, parallel arcs)', () => {
    const random = new Random(401);
    for (let trial = 0; trial < 250; trial++) {
      withArena(() => {
        const sourceCount = random.int(1, 64);
        const fastOnly = random.chance(0.4);
        const contributions = Float64Array.from({ length: sourceCount }, () => contribution(random, fastOnly));
        const csc = randomCsc(random, sourceCount);
        const regions = place(csc, contributions);
        const expected = oracleSums(csc, contributions);
        expectSameSums(pullSums(csc, regions), expected, `trial ${trial} pull`);
        const rows = host.arena.alloc(csc.n * ROW, 64);
        expect(kernels.pagerank_partial(regions.offsets, regions.sources, regions.contrib, 0, csc.n, rows)).toBe(csc.sources.length);
        const rounded = Array.from({ length: csc.n }, (_, v) => kernels.fixedsum_round(rows + v * ROW));
        expectSameSums(rounded, expected, `trial ${trial} rows`);
      });
    }
  });

  it('rounds once, to nearest with ties to even (hand cases)', () => {
    const cases: Array<[number[], number]> = [
      [[1, 2 ** -53], 1], // a tie: down to the even 1
      [[1 + 2 ** -52, 2 ** -53], 1 + 2 ** -51], // a tie: up to the even neighbour
      [[1, 2 ** -53, 2 ** -120], 1 + 2 ** -52], // just above the tie
      [[0.1, 0.2, 0.3], 0.6], // float adds left to right would give 0.6000000000000001
      [[2 ** -124, 2 ** -124], 2 ** -123],
      [[], 0],
    ];
    for (const [values, expected] of cases) {
      withArena(() => {
        const csc: Csc = { n: 1, offsets: Uint32Array.from([0, values.length]), sources: Uint32Array.from(values.map((_, i) => i)) };
        const regions = place(csc, Float64Array.from(values.length ? values : [0]));
        expect(pullSums(csc, regions)[0], `${values}`).toBe(expected);
      });
    }
  });

  it('any split of the in-arcs, summed per part and merged in any order, gives pull\'s bits', () => {
    const random = new Random(402);
    for (let trial = 0; trial < 150; trial++) {
      withArena(() => {
        const sourceCount = random.int(1, 64);
        const fastOnly = random.chance(0.5);
        const contributions = Float64Array.from({ length: sourceCount }, () => contribution(random, fastOnly));
        const csc = randomCsc(random, sourceCount);
        const n = csc.n;
        const regions = place(csc, contributions);
        const scores = host.allocArray(Float64Array, n);
        host.view(Float64Array, scores, n).set(Float64Array.from({ length: n }, () => random.float()));
        const damping = random.pick([0.85, 0.5, 0.999]);
        const share = random.float() * 1e-3;
        const teleport = (1 - damping) / Math.max(n, 1);
        // the whole graph in one pull
        const whole = host.allocArray(Float64Array, n);
        const wholeDelta = host.arena.alloc(kernels.exactsum_bytes(), 64);
        kernels.exactsum_clear(wholeDelta);
        kernels.pagerank_pull(regions.offsets, regions.sources, regions.contrib, scores, whole, 0, n, damping, share, teleport, wholeDelta);
        // deal each vertex's in-arcs to 1..8 parts; each part is a CSC of its own over all n vertices
        const parts = random.int(1, 8);
        const lists: number[][][] = Array.from({ length: parts }, () => Array.from({ length: n }, () => []));
        for (let v = 0; v < n; v++) {
          for (let i = csc.offsets[v]!; i < csc.offsets[v + 1]!; i++) lists[random.int(0, parts - 1)]![v]!.push(csc.sources[i]!);
        }
        const merged = host.arena.alloc(n * ROW, 64);
        host.view(Uint8Array, merged, n * ROW).fill(0);
        for (const p of random.shuffle(Array.from({ length: parts }, (_, p) => p))) {
          const partOffsets = new Uint32Array(n + 1);
          for (let v = 0; v < n; v++) partOffsets[v + 1] = partOffsets[v]! + lists[p]![v]!.length;
          const part = place({ n, offsets: partOffsets, sources: Uint32Array.from(lists[p]!.flat()) }, contributions);
          const rows = host.arena.alloc(n * ROW, 64);
          kernels.pagerank_partial(part.offsets, part.sources, part.contrib, 0, n, rows);
          // what a mirror sends: the rows of its vertices with in-arcs here, packed, in any order
          const touched = random.shuffle(Array.from({ length: n }, (_, v) => v).filter((v) => lists[p]![v]!.length > 0 || random.chance(0.2)));
          const list = copyIn(Uint32Array.from(touched.length ? touched : [0]));
          const packed = host.arena.alloc(Math.max(1, touched.length) * ROW, 64);
          kernels.fixedsum_gather_rows(rows, list, touched.length, packed);
          kernels.fixedsum_add_rows(merged, packed, list, touched.length);
        }
        const next = host.allocArray(Float64Array, n);
        const delta = host.arena.alloc(kernels.exactsum_bytes(), 64);
        kernels.exactsum_clear(delta);
        const outOfRange = kernels.pagerank_apply(merged, scores, next, 0, n, damping, share, teleport, delta);
        expect(outOfRange).toBe(0);
        expectSameSums(host.view(Float64Array, next, n), host.view(Float64Array, whole, n), `trial ${trial} (${parts} parts)`);
        expect(kernels.exactsum_finalize(delta)).toBe(kernels.exactsum_finalize(wholeDelta));
      });
    }
  });

  it('a value outside the window or a sum >= 2^15 gives NaN, never a wrong number, split or not', () => {
    const bad = [-1e-3, -(2 ** -60), NaN, Infinity, -Infinity, 2, 3.5, 2 ** -125, 5e-324, 2 ** -1022];
    for (const value of bad) {
      withArena(() => {
        // vertex 0: good values around one bad one; vertex 1: good values only
        const contributions = Float64Array.from([0.25, value, 2 ** -30]);
        const csc: Csc = { n: 2, offsets: Uint32Array.from([0, 7, 10]), sources: Uint32Array.from([0, 2, 0, 1, 2, 0, 2, 0, 2, 2]) };
        const regions = place(csc, contributions);
        const sums = pullSums(csc, regions);
        expect(sums[0], `${value}`).toBeNaN();
        expect(sums[1]).toBe(0.25 + 2 * 2 ** -30);
        // one and two in-arcs take a shortcut (IEEE addition is exact then): same verdict
        const small: Csc = { n: 3, offsets: Uint32Array.from([0, 1, 3, 5]), sources: Uint32Array.from([1, 0, 1, 1, 2]) };
        const smallSums = pullSums(small, place(small, contributions));
        expect(smallSums[0], `${value} alone`).toBeNaN();
        expect(smallSums[1], `0.25 + ${value}`).toBeNaN();
        expect(smallSums[2], `${value} + 2^-30`).toBeNaN();
        const rows = host.arena.alloc(2 * ROW, 64);
        kernels.pagerank_partial(regions.offsets, regions.sources, regions.contrib, 0, 2, rows);
        expect(kernels.fixedsum_round(rows)).toBeNaN();
        // merging a poisoned row into a good one poisons it
        const list = copyIn(Uint32Array.from([1]));
        kernels.fixedsum_add_rows(rows, rows, list, 1);
        expect(kernels.fixedsum_round(rows + ROW)).toBeNaN();
        const scores = host.allocArray(Float64Array, 2);
        const delta = host.arena.alloc(kernels.exactsum_bytes(), 64);
        kernels.exactsum_clear(delta);
        expect(kernels.pagerank_apply(rows, scores, scores, 0, 2, 0.85, 0, 0.075, delta)).toBe(2);
        expect(kernels.exactsum_finalize(delta)).toBeNaN();
      });
    }
    // sums: 17000 arcs of 1.9 (32300 < 2^15) are exact; 17300 (32870) are out of range, split or not
    for (const [count, inRange] of [[17000, true], [17300, false]] as const) {
      withArena(() => {
        const csc: Csc = { n: 1, offsets: Uint32Array.from([0, count]), sources: new Uint32Array(count) };
        const regions = place(csc, Float64Array.from([1.9]));
        const sum = pullSums(csc, regions)[0]!;
        if (inRange) expect(sum).toBe(exactSumOracle(new Array<number>(count).fill(1.9)));
        else expect(sum).toBeNaN();
        // the same arcs as two halves, merged
        const half = count / 2;
        const rows = host.arena.alloc(2 * ROW, 64);
        const halves = copyIn(Uint32Array.from([0, half, count]));
        kernels.pagerank_partial(halves, regions.sources, regions.contrib, 0, 2, rows);
        const list = copyIn(Uint32Array.from([0]));
        kernels.fixedsum_add_rows(rows, rows + ROW, list, 1);
        if (inRange) expect(kernels.fixedsum_round(rows)).toBe(sum);
        else expect(kernels.fixedsum_round(rows)).toBeNaN();
      });
    }
  });

  it('the driver turns a NaN L1 change into SimulationError E_SUM_RANGE', () => {
    expect(() => checkChange(NaN, 3)).toThrow(SimulationError);
    try {
      checkChange(NaN, 3);
    } catch (error) {
      expect((error as SimulationError).code).toBe(ErrorCode.SUM_RANGE);
    }
    expect(() => checkChange(0.5, 3)).not.toThrow();
  });
});
