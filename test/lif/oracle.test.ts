// Seeded property tests: the LIF kernel's raster, counts and errors equal the BigInt oracle's on
// hundreds of small random networks covering every storage kind and parameter corner.
import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, DELAY_CONSTANT, DELAY_U16, DELAY_U8, WEIGHT_I32, WEIGHT_UNIT, type ArcArrays } from '../../src/index.js';
import { advanceLif, createLifState, runLif } from '../../src/execute/lif.js';
import { Prng } from '../../src/generate/prng.js';
import { decayOracle, lifOracle, noiseOracle } from '../../src/oracle/lif.js';

const host = createHostSync();

/** A corner value with some probability, else a uniform draw in [low, high]. */
function pick(prng: Prng, corners: number[], low: number, high: number): number {
  return prng.nextFloat() < 0.3 ? corners[prng.nextInt(corners.length)]! : low + prng.nextInt(high - low + 1);
}

interface Case {
  input: ArcArrays;
  steps: number;
  seed: bigint;
}

function randomCase(prng: Prng, index: number): Case {
  const n = 1 + prng.nextInt(12);
  const m = prng.nextInt(4 * n + 1);
  const src: number[] = [];
  const dst: number[] = [];
  for (let k = 0; k < m; k++) {
    const s = prng.nextInt(n);
    src.push(s);
    // self-synapses and parallel synapses come up often at this size; force some
    dst.push(prng.nextFloat() < 0.1 ? s : prng.nextInt(n));
  }
  // Storage kinds by case number, so each kind is covered many times.
  const weightMode = index % 3; // 0 unit, 1 mixed-sign i32, 2 large i32
  const delayMode = Math.floor(index / 3) % 4; // 0 none (1), 1 constant, 2 u8 1..5, 3 u16
  const weights = weightMode === 0 ? undefined : src.map(() => (weightMode === 1 ? prng.nextInt(6001) - 2500 : prng.nextInt(2_000_001) - 1_000_000));
  let delays: number[] | undefined;
  let steps = 30 + prng.nextInt(120);
  if (delayMode === 1) {
    const d = 1 + prng.nextInt(5);
    delays = src.map(() => d);
  } else if (delayMode === 2) {
    delays = src.map(() => 1 + prng.nextInt(5));
  } else if (delayMode === 3) {
    delays = src.map(() => (prng.nextFloat() < 0.2 ? 256 + prng.nextInt(40) : 1 + prng.nextInt(5)));
    steps = 300 + prng.nextInt(60);
  }
  // Every fifth case gives all neurons one record: the kernel's shared-parameter loop.
  const shared = index % 5 === 4;
  const column = (make: () => number) => {
    if (!shared) return Array.from({ length: n }, make);
    const value = make();
    return new Array<number>(n).fill(value);
  };
  const neurons = {
    du: column(() => pick(prng, [0, 4096, 1024], 0, 4096)),
    dv: column(() => pick(prng, [0, 4096, 256], 0, 4096)),
    vth: column(() => pick(prng, [0, -1, 20000], -500, 6000)),
    bias: column(() => pick(prng, [0, -300, 1500], -400, 2500)),
    refractory: column(() => pick(prng, [0, 1], 0, 6)),
    noise: column(() => pick(prng, [0, 1, 3000], 0, 2500)),
  };
  const seed = BigInt(prng.nextU32()) * 2n ** 32n + BigInt(prng.nextU32());
  return { input: { n, src, dst, weights, delays, neurons }, steps, seed };
}

function outcome(run: () => { steps: ArrayLike<number>; neurons: ArrayLike<number>; counts: ArrayLike<number> }) {
  try {
    const r = run();
    return { steps: Array.from(r.steps), neurons: Array.from(r.neurons), counts: Array.from(r.counts) };
  } catch (e) {
    const error = e as { code?: string; details?: Record<string, unknown> };
    return { code: error.code, neuron: error.details?.neuron, step: error.details?.step };
  }
}

describe('LIF kernel vs BigInt oracle (seeded)', () => {
  it('gives the oracle raster exactly on 360 random networks', () => {
    const prng = new Prng(20260501);
    const kinds = new Set<string>();
    let spikes = 0;
    let sharedCases = 0;
    for (let index = 0; index < 360; index++) {
      const { input, steps, seed } = randomCase(prng, index);
      if (index % 5 === 4 && input.n > 1) sharedCases++;
      const mark = host.arena.mark();
      const graph = buildGraph(host, input);
      kinds.add(`${graph.weightType}/${graph.delayType}`);
      const kernel = outcome(() => {
        const r = runLif(graph, { steps, seed, recordSpikes: true });
        return { steps: r.spikes!.steps, neurons: r.spikes!.neurons, counts: r.values };
      });
      host.arena.release(mark);
      const oracle = outcome(() => lifOracle(input, { steps, seed }));
      expect(kernel, `case ${index}`).toEqual(oracle);
      spikes += kernel.steps?.length ?? 0;
    }
    // every weight and delay storage kind was exercised, and the networks did spike
    for (const w of [WEIGHT_UNIT, WEIGHT_I32]) for (const d of [DELAY_CONSTANT, DELAY_U8, DELAY_U16]) expect(kinds).toContain(`${w}/${d}`);
    expect(spikes).toBeGreaterThan(5000);
    expect(sharedCases).toBeGreaterThan(50);
  });

  it('agrees on chunk boundaries: long runs with many spikes per step', () => {
    // Every neuron fires often, so the kernel's spike buffer fills and calls end early.
    const prng = new Prng(7);
    for (let index = 0; index < 6; index++) {
      const n = 40;
      const m = 200;
      const src = Array.from({ length: m }, () => prng.nextInt(n));
      const dst = Array.from({ length: m }, () => prng.nextInt(n));
      const weights = src.map(() => prng.nextInt(801) - 300);
      const delays = src.map(() => 1 + prng.nextInt(3));
      const neurons = { bias: new Array(n).fill(900), vth: new Array(n).fill(1000), noise: new Array(n).fill(800), dv: new Array(n).fill(4096) };
      const input = { n, src, dst, weights, delays, neurons };
      const steps = 500;
      const r = runLif(buildGraph(host, input), { steps, seed: index, recordSpikes: true });
      const o = lifOracle(input, { steps, seed: index });
      expect(Array.from(r.spikes!.neurons)).toEqual(Array.from(o.neurons));
      expect(Array.from(r.spikes!.steps)).toEqual(Array.from(o.steps));
      expect(r.spikes!.neurons.length).toBeGreaterThan(steps * n * 0.2);
    }
  });
  it('regression: the branch-free DECAY rounds toward zero for states up to 2^61 (states set by hand, one step)', () => {
    // The kernel's DECAY splits x into (x >> 12) · 4096 + (x & 4095) instead of taking |x|; random
    // networks never reach such magnitudes, so set u and v directly in the run state (both signs,
    // extremes included), take one step, and compare with the model in BigInt (decayOracle, noiseOracle).
    const n = 2048;
    const prng = new Prng(61);
    const column = (make: (i: number) => number) => Array.from({ length: n }, (_, i) => make(i));
    const neurons = {
      du: column(() => pick(prng, [0, 1, 4095, 4096, 2048], 0, 4096)),
      dv: column(() => pick(prng, [0, 1, 4095, 4096, 2048], 0, 4096)),
      vth: column(() => prng.nextInt(2001) - 1000),
      bias: column(() => prng.nextInt(2001) - 1000),
      refractory: column(() => prng.nextInt(3)),
      noise: column((i) => (i % 2 === 0 ? 0 : prng.nextInt(3000))),
    };
    const limit = 1n << 61n;
    const random = (bits: number): bigint => {
      // a random magnitude of up to `bits` bits, with the corners 0, 1, 4095, 4096 and 2^bits − 1 often
      const corner = prng.nextInt(8);
      if (corner === 0) return [0n, 1n, 4095n, 4096n, 4097n][prng.nextInt(5)]!;
      if (corner === 1) return (1n << BigInt(bits)) - 1n - BigInt(prng.nextInt(4097));
      const value = (BigInt(prng.nextU32()) << 32n) | BigInt(prng.nextU32());
      return value >> BigInt(64 - 1 - prng.nextInt(bits));
    };
    const mark = host.arena.mark();
    try {
      const graph = buildGraph(host, { n, src: [], dst: [], neurons });
      const seed = 77n;
      const state = createLifState(
        host,
        {
          n,
          updateCount: n,
          outOffsets: graph.regions.outOffsets,
          outTargets: graph.regions.outTargets,
          outWeights: 0,
          weightKind: WEIGHT_UNIT,
          outDelays: 0,
          delayKind: DELAY_CONSTANT,
          constantDelay: 1,
          ringRows: 2,
          params: graph.regions.neurons,
          sharedParams: false,
          globalIds: 0,
        },
        seed,
      );
      let spiked = 0;
      let negativeU = 0;
      let huge = 0;
      for (let round = 1; round <= 6; round++) {
        const u0: bigint[] = [];
        const v0: bigint[] = [];
        for (let i = 0; i < n; i++) {
          // |u| up to 2^61 − 1 and |v| up to 2^60 − 1, of opposite signs when |u| ≥ 2^59, so that
          // v + u stays below the limit: this test is about the values, not the overflow error
          // (within 2^13 of the limit at most, which leaves room for bias and noise)
          const magnitude = random(61);
          const u = (prng.nextInt(2) === 0 ? -1n : 1n) * (magnitude > limit - 8192n ? limit - 8192n - BigInt(prng.nextInt(4)) : magnitude);
          const v = random(60);
          u0.push(u);
          v0.push((u >= 1n << 59n ? true : u <= -(1n << 59n) ? false : prng.nextInt(2) === 0) ? -v : v);
        }
        host.view(BigInt64Array, state.current, n).set(u0);
        host.view(BigInt64Array, state.voltage, n).set(v0);
        host.view(Int32Array, state.refractory, n).fill(0);
        const expectedU: bigint[] = [];
        const expectedV: bigint[] = [];
        for (let i = 0; i < n; i++) {
          const u1 = decayOracle(u0[i]!, neurons.du[i]!);
          let v1 = decayOracle(v0[i]!, neurons.dv[i]!) + u1 + BigInt(neurons.bias[i]!) + noiseOracle(seed, i, round, neurons.noise[i]!);
          expect(v1 < limit && v1 > -limit).toBe(true);
          if (v1 > BigInt(neurons.vth[i]!)) {
            v1 = 0n;
            spiked++;
          }
          if (u1 < 0n) negativeU++;
          if (u0[i]! >= 1n << 60n || u0[i]! <= -(1n << 60n)) huge++;
          expectedU.push(u1);
          expectedV.push(v1);
        }
        expect(advanceLif(host, state, round, 1, (i) => i)).toBe(1);
        expect(Array.from(host.view(BigInt64Array, state.current, n)), `round ${round}: u`).toEqual(expectedU);
        expect(Array.from(host.view(BigInt64Array, state.voltage, n)), `round ${round}: v`).toEqual(expectedV);
      }
      expect(spiked).toBeGreaterThan(1000);
      expect(negativeU).toBeGreaterThan(1000);
      expect(huge).toBeGreaterThan(1000);
    } finally {
      host.arena.release(mark);
    }
  });
});
