// The LIF kernel's two-lane neuron update (updatePairs in assembly/kernels/lif.ts: f64 lanes, scalar
// mix64, an f64 remainder instead of i64.rem_u) against lif-model.md in BigInt, bit for bit. It
// takes shared records with |u|, |v|, |a| ≤ 2^40 and noise < 2^18, and hands every other pair to
// the exact i64 loop, so the states here are set by hand on both sides of each bound: u, v and
// arrivals at ±2^40 and near the 2^61 limit, noise amplitudes at the 2^18 switch and up to the
// builder's 2^30 − 1, extreme bias and threshold, refractory counters, records of their own, and
// NOISE drawn with mapped global ids (a partition's local graph).
import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, DELAY_CONSTANT, WEIGHT_UNIT } from '../../src/index.js';
import { createLifState, runLif } from '../../src/execute/lif.js';
import { generateCuba } from '../../src/generate/cuba.js';
import { Prng } from '../../src/generate/prng.js';
import { LIF_CONTROL_BYTES, LIF_ERROR_NEURON, LIF_ERROR_STEP, LIF_STATUS_OVERFLOW, NEURON_STRIDE } from '../../src/memory/layout.js';
import { decayOracle, lifOracle, noiseOracle } from '../../src/oracle/lif.js';

const host = createHostSync({ initialBytes: 32 << 20 });

const LIMIT = 1n << 61n;
const FAST = 1n << 40n;
/** the amplitude where the kernel switches from the f64 remainder to the i64 loop (m = 2^19 + 1) */
const SWITCH = 1 << 18;
const RING_ROWS = 8;

interface Params {
  du: number;
  dv: number;
  vth: number;
  bias: number;
  refractory: number;
  noise: number;
}

interface Case {
  n: number;
  /** one record for all, or one per neuron */
  records: Params[];
  globalIds: Uint32Array | null;
  u: bigint[];
  v: bigint[];
  r: number[];
  /** arrivals[k][i]: what neuron i sees at step firstStep + k */
  arrivals: bigint[][];
  firstStep: number;
  steps: number;
  seed: bigint;
}

type Outcome =
  | { error: false; spikes: number[][]; counts: number[]; u: bigint[]; v: bigint[]; r: number[] }
  | { error: true; neuron: number; step: number };

function pick<T>(prng: Prng, values: readonly T[]): T {
  return values[prng.nextInt(values.length)]!;
}

function u64(prng: Prng): bigint {
  return (BigInt(prng.nextU32()) << 32n) | BigInt(prng.nextU32());
}

/**
 * A state value. Profile 0: small. Profile 1: mostly small, else at the fast bound ±2^40 or of
 * log-uniform size up to 2^56 (large, but a few steps cannot overflow, so whole states are
 * compared). Profile 2: as 1, plus values near `limit` (mostly overflow errors).
 */
function stateValue(prng: Prng, profile: number, limit: bigint): bigint {
  const sign = prng.nextInt(2) === 0 ? -1n : 1n;
  const kind = profile === 0 ? 0 : prng.nextInt(profile === 1 ? 8 : 4);
  if (kind === 0 || kind > 3) return BigInt(prng.nextInt(2_000_001) - 1_000_000);
  if (kind === 1) return sign * FAST + BigInt(prng.nextInt(7) - 3);
  if (kind === 2 && profile === 2) return sign * (limit - 1n - BigInt(prng.nextInt(1 << 20)));
  // every magnitude up to 2^56 (profile 1) or the limit (profile 2) equally often, all bits random
  const bits = 1 + prng.nextInt(profile === 1 ? 56 : limit.toString(2).length - 1);
  return sign * ((u64(prng) >> BigInt(64 - bits)) % limit);
}

function randomParams(prng: Prng): Params {
  const amplitudeDraw = prng.nextInt(10);
  const noise =
    amplitudeDraw === 0 ? 0
    : amplitudeDraw === 1 ? pick(prng, [1, 2, 3])
    : amplitudeDraw === 2 ? SWITCH - 1 - prng.nextInt(2) // the largest m the f64 remainder takes: 2^19 − 1
    : amplitudeDraw === 3 ? SWITCH + prng.nextInt(2) // the smallest it hands back
    : amplitudeDraw === 4 ? pick(prng, [0x3fff_ffff, 0x3fff_fffe, Math.min(0x3fff_ffff, Math.floor(SWITCH * 2 ** (12 * prng.nextFloat())))])
    : amplitudeDraw === 5 ? 6000
    : prng.nextInt(SWITCH);
  return {
    du: pick(prng, [0, 1, 82, 1024, 4095, 4096, prng.nextInt(4097)]),
    dv: pick(prng, [0, 1, 20, 256, 4095, 4096, prng.nextInt(4097)]),
    vth: pick(prng, [-0x8000_0000, 0x7fff_ffff, 0, -1, prng.nextInt(200_001) - 50_000, prng.nextInt(4001) - 2000]),
    bias: pick(prng, [-0x8000_0000, 0x7fff_ffff, 0, -537, 537, prng.nextInt(20_001) - 10_000]),
    refractory: pick(prng, [0, 0, 1, 2, 50, 0x7fff_ffff, prng.nextInt(6)]),
    noise,
  };
}

function randomCase(prng: Prng, index: number): Case {
  const n = 1 + prng.nextInt(37);
  // profile 0: every pair in the fast range; 1: some outside; 2: many outside, overflow likely
  const profile = index % 3;
  const records = index % 7 === 6 ? Array.from({ length: n }, () => randomParams(prng)) : [randomParams(prng)];
  let globalIds: Uint32Array | null = null;
  if (index % 4 === 1) {
    globalIds = new Uint32Array(n);
    for (let i = 0; i < n; i++) globalIds[i] = prng.nextInt(4) === 0 ? pick(prng, [0, 0xffff_ffff, i]) : prng.nextU32();
  }
  const steps = 1 + prng.nextInt(6);
  const firstStep = pick(prng, [1, 0xffff_ffff - steps, 1 + prng.nextInt(0xffff_ffff - steps)]);
  const u = Array.from({ length: n }, () => stateValue(prng, profile, LIMIT));
  const v = Array.from({ length: n }, () => stateValue(prng, profile, LIMIT));
  const r = Array.from({ length: n }, () => (prng.nextInt(4) === 0 ? 1 + prng.nextInt(3) : 0));
  const arrivals = Array.from({ length: steps }, () => Array.from({ length: n }, () => (prng.nextInt(3) === 0 ? 0n : stateValue(prng, profile, 1n << 62n))));
  const seed = pick(prng, [0n, (1n << 64n) - 1n, u64(prng), u64(prng)]);
  return { n, records, globalIds, u, v, r, arrivals, firstStep, steps, seed };
}

/** lif-model.md, one neuron after another, on BigInt state (the oracle's DECAY and NOISE). */
function reference(c: Case): Outcome {
  const u = [...c.u];
  const v = [...c.v];
  const r = [...c.r];
  const counts = new Array<number>(c.n).fill(0);
  const spikes: number[][] = [];
  for (let k = 0; k < c.steps; k++) {
    const step = c.firstStep + k;
    const fired: number[] = [];
    for (let i = 0; i < c.n; i++) {
      const p = c.records.length === 1 ? c.records[0]! : c.records[i]!;
      u[i] = decayOracle(u[i]!, p.du) + c.arrivals[k]![i]!;
      v[i] = decayOracle(v[i]!, p.dv) + u[i]! + BigInt(p.bias) + noiseOracle(c.seed, c.globalIds ? c.globalIds[i]! : i, step, p.noise);
      const absU = u[i]! < 0n ? -u[i]! : u[i]!;
      const absV = v[i]! < 0n ? -v[i]! : v[i]!;
      if (absU >= LIMIT || absV >= LIMIT) return { error: true, neuron: i, step };
      if (r[i]! > 0) {
        v[i] = 0n;
        r[i] = r[i]! - 1;
      } else if (v[i]! > BigInt(p.vth)) {
        v[i] = 0n;
        r[i] = p.refractory;
        counts[i]!++;
        fired.push(i);
      }
    }
    spikes.push(fired);
  }
  return { error: false, spikes, counts, u, v, r };
}

/** The same steps through lif_run on a graph without arcs, arrivals written into the delay ring. */
function kernel(c: Case): Outcome {
  const { n } = c;
  const mark = host.arena.mark();
  try {
    const params = host.allocArray(Int32Array, c.records.length * NEURON_STRIDE);
    const words = host.view(Int32Array, params, c.records.length * NEURON_STRIDE);
    c.records.forEach((p, i) => words.set([p.du, p.dv, p.vth, p.bias, p.refractory, p.noise], i * NEURON_STRIDE));
    let globalIds = 0;
    if (c.globalIds) {
      globalIds = host.allocArray(Uint32Array, n);
      host.view(Uint32Array, globalIds, n).set(c.globalIds);
    }
    const outOffsets = host.allocArray(Uint32Array, n + 1); // zeroed below: no arcs
    host.view(Uint32Array, outOffsets, n + 1).fill(0);
    const outTargets = host.allocArray(Uint32Array, 1);
    const state = createLifState(
      host,
      {
        n,
        updateCount: n,
        outOffsets,
        outTargets,
        outWeights: 0,
        weightKind: WEIGHT_UNIT,
        outDelays: 0,
        delayKind: DELAY_CONSTANT,
        constantDelay: 1,
        ringRows: RING_ROWS,
        params,
        sharedParams: c.records.length === 1,
        globalIds,
      },
      c.seed,
    );
    host.view(BigInt64Array, state.current, n).set(c.u);
    host.view(BigInt64Array, state.voltage, n).set(c.v);
    host.view(Int32Array, state.refractory, n).set(c.r);
    for (let k = 0; k < c.steps; k++) {
      const row = (c.firstStep + k) % RING_ROWS;
      host.view(BigInt64Array, state.ring + row * n * 8, n).set(c.arrivals[k]!);
    }
    const status = host.exports.lif_run!(state.control, c.firstStep, c.steps);
    if (status === LIF_STATUS_OVERFLOW) {
      const control = host.view(Uint32Array, state.control, LIF_CONTROL_BYTES / 4);
      return { error: true, neuron: control[LIF_ERROR_NEURON / 4]!, step: control[LIF_ERROR_STEP / 4]! };
    }
    expect(status).toBe(c.steps);
    const perStep = host.view(Uint32Array, state.stepSpikes, c.steps);
    const ids = host.view(Uint32Array, state.spikeIds, state.spikeCapacity);
    const spikes: number[][] = [];
    let at = 0;
    for (let k = 0; k < c.steps; k++) {
      spikes.push(Array.from(ids.subarray(at, at + perStep[k]!)));
      at += perStep[k]!;
    }
    return {
      error: false,
      spikes,
      counts: Array.from(host.view(Int32Array, state.spikeCounts, n)),
      u: Array.from(host.view(BigInt64Array, state.current, n)),
      v: Array.from(host.view(BigInt64Array, state.voltage, n)),
      r: Array.from(host.view(Int32Array, state.refractory, n)),
    };
  } finally {
    host.arena.release(mark);
  }
}

describe('LIF two-lane update vs the model in BigInt (seeded)', () => {
  it('matches on 3,000 hand-set states across every bound of the fast path', () => {
    const prng = new Prng(20261128);
    const seen = { spikes: 0, overflows: 0, heldSpikes: 0, fastAmplitudes: 0, slowAmplitudes: 0, bigStates: 0, mapped: 0 };
    for (let index = 0; index < 3000; index++) {
      const c = randomCase(prng, index);
      const expected = reference(c);
      expect(kernel(c), `case ${index}`).toEqual(expected);
      if (expected.error) seen.overflows++;
      else seen.spikes += expected.counts.reduce((sum, count) => sum + count, 0);
      const noise = c.records[0]!.noise;
      if (c.records.length === 1 && noise === SWITCH - 1) seen.fastAmplitudes++;
      if (c.records.length === 1 && noise >= SWITCH) seen.slowAmplitudes++;
      if (c.u.some((x) => x >= FAST || x < -FAST)) seen.bigStates++;
      if (c.globalIds && c.records[0]!.noise > 0) seen.mapped++;
    }
    // the cases reached what they are for: spikes, overflow errors, both sides of each bound
    expect(seen.spikes).toBeGreaterThan(10_000);
    expect(seen.overflows).toBeGreaterThan(100);
    expect(seen.fastAmplitudes).toBeGreaterThan(100);
    expect(seen.slowAmplitudes).toBeGreaterThan(100);
    expect(seen.bigStates).toBeGreaterThan(1000);
    expect(seen.mapped).toBeGreaterThan(500);
  });

  it('matches one step of 4,096 neurons at the fast bounds: u, v, a at ±2^k and its neighbours, k = 38 … 53', () => {
    // Values inside and outside [−2^40, 2^40) side by side in every slot, so the range test must send
    // exactly the groups with one outside to the exact loop. x ≡ 1 (mod 4096) with keep = 4095 puts DECAY at
    // N + 4095/4096: where x · keep passes 2^53, the rounded f64 product can truncate to N + 1.
    const prng = new Prng(40);
    const n = 4096;
    // each four neurons (one iteration of the kernel's loop) draw their values around one ±2^k
    const near = (k: bigint, sign: bigint): bigint[] => {
      const values = [0n, 12345n, -777n];
      for (const x of [(1n << k) - 4095n, (1n << k) - 1n, 1n << k, (1n << k) + 1n, 5n * (1n << (k - 2n)) + 1n, 3n * (1n << (k - 1n)) + 1n]) values.push(sign * x);
      return values;
    };
    const scales = Array.from({ length: n / 4 }, () => near(38n + BigInt(prng.nextInt(16)), prng.nextInt(2) === 0 ? 1n : -1n));
    const column = () => Array.from({ length: n }, (_, i) => pick(prng, scales[i >> 2]!));
    for (const [du, dv] of [[1, 1], [82, 20], [4095, 4095], [1, 4095]] as const) {
      const c: Case = {
        n,
        records: [{ du, dv, vth: 100_000, bias: -537, refractory: 3, noise: 6000 }],
        globalIds: null,
        u: column(),
        v: column(),
        r: Array.from({ length: n }, () => pick(prng, [0, 0, 0, 1, 2])),
        arrivals: [column()],
        firstStep: 17,
        steps: 1,
        seed: 99n,
      };
      const expected = reference(c);
      expect(expected.error).toBe(false);
      expect(kernel(c), `du ${du}, dv ${dv}`).toEqual(expected);
    }
  });

  it('spikes only above the threshold, not at it: v − vth = i − 32 for neuron i', () => {
    // du = dv = 4096 keep nothing, so v = a + bias with bias = vth: neuron 32 lands exactly on vth.
    const n = 64;
    const c: Case = {
      n,
      records: [{ du: 4096, dv: 4096, vth: 1000, bias: 1000, refractory: 2, noise: 0 }],
      globalIds: null,
      u: new Array<bigint>(n).fill(0n),
      v: new Array<bigint>(n).fill(0n),
      r: new Array<number>(n).fill(0),
      arrivals: [Array.from({ length: n }, (_, i) => BigInt(i - 32))],
      firstStep: 1,
      steps: 1,
      seed: 0n,
    };
    const expected = reference(c);
    expect(expected.error ? [] : expected.spikes[0]).toEqual(Array.from({ length: 31 }, (_, k) => 33 + k));
    expect(kernel(c)).toEqual(expected);
  });

  it('matches the oracle raster on uniform networks: CUBA-like, amplitudes at the switch, negative bias, refractory', () => {
    const cases: Array<{ noise: number; bias: number; refractory: number }> = [
      { noise: 6000, bias: 537, refractory: 50 },
      { noise: SWITCH - 1, bias: -20_000, refractory: 3 },
      { noise: SWITCH, bias: -20_000, refractory: 0 },
      { noise: 0, bias: 2000, refractory: 7 },
      { noise: 1, bias: 900, refractory: 1 },
    ];
    let spikes = 0;
    for (const [index, p] of cases.entries()) {
      const arcs = generateCuba({ n: 41, p: 0.2, noise: Math.min(p.noise, 0x3fff_ffff), seed: index + 1 });
      const n = arcs.n;
      const neurons = { ...arcs.neurons!, noise: new Array<number>(n).fill(p.noise), bias: new Array<number>(n).fill(p.bias), refractory: new Array<number>(n).fill(p.refractory) };
      const input = { ...arcs, neurons };
      const steps = 400;
      const mark = host.arena.mark();
      const result = runLif(buildGraph(host, input, { trusted: true, inArcs: false }), { steps, seed: 5n + BigInt(index), recordSpikes: true });
      host.arena.release(mark);
      const oracle = lifOracle(input, { steps, seed: 5n + BigInt(index) });
      expect(Array.from(result.spikes!.steps), `case ${index}: steps`).toEqual(Array.from(oracle.steps));
      expect(Array.from(result.spikes!.neurons), `case ${index}: neurons`).toEqual(Array.from(oracle.neurons));
      expect(Array.from(result.values as Int32Array)).toEqual(Array.from(oracle.counts));
      spikes += oracle.neurons.length;
    }
    expect(spikes).toBeGreaterThan(500);
  });
});
