// Hand-checked LIF fixtures: every expected raster below was worked out on paper from
// lif-model.md (the arithmetic is in the comments), not taken from the code under test.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, ErrorCode, InputError, OptionsError, SimulationError, type ArcArrays } from '../../src/index.js';
import { rasterBytes, rasterSha256, runLif } from '../../src/execute/lif.js';
import { decayOracle, lifOracle, mix64Oracle, noiseOracle } from '../../src/oracle/lif.js';

const host = createHostSync();

function spikesOf(input: ArcArrays, steps: number, seed: bigint | number = 0): Array<[number, number]> {
  const result = runLif(buildGraph(host, input), { steps, seed, recordSpikes: true });
  return Array.from(result.spikes!.steps, (step, k) => [step, result.spikes!.neurons[k]!]);
}

// A driver that spikes at step 1 only: v(1) = bias 1 > vth 0, then a long refractory period.
const ONCE = { du: 4096, dv: 4096, vth: 0, bias: 1, refractory: 1_000_000, noise: 0 };

function columns(...neurons: Array<typeof ONCE>): ArcArrays['neurons'] {
  const column = (key: keyof typeof ONCE) => neurons.map((neuron) => neuron[key]);
  return { du: column('du'), dv: column('dv'), vth: column('vth'), bias: column('bias'), refractory: column('refractory'), noise: column('noise') };
}

describe('LIF fixtures (hand-checked)', () => {
  it('a biased neuron without leak spikes when v first exceeds vth, strictly', () => {
    // dv = 0: v(t) = 2500 t. vth = 10000: v(4) = 10000 is not > vth; v(5) = 12500 spikes, reset.
    // Then v climbs again from 0: spikes at 10, 15, 20.
    const neuron = { du: 1024, dv: 0, vth: 10000, bias: 2500, refractory: 0, noise: 0 };
    expect(spikesOf({ n: 1, src: [], dst: [], neurons: columns(neuron) }, 20)).toEqual([
      [5, 0],
      [10, 0],
      [15, 0],
      [20, 0],
    ]);
  });

  it('decays v by (|v| · (4096 − dv)) >> 12 before adding the bias', () => {
    // dv = 256 keeps 3840/4096: v1 = 3000; v2 = floor(3000·3840/4096) + 3000 = 2812 + 3000 = 5812;
    // v3 = 5448 + 3000 = 8448; v4 = 7920 + 3000 = 10920 > 10000: spike at 4, then the same again.
    const neuron = { du: 1024, dv: 256, vth: 10000, bias: 3000, refractory: 0, noise: 0 };
    expect(spikesOf({ n: 1, src: [], dst: [], neurons: columns(neuron) }, 8)).toEqual([
      [4, 0],
      [8, 0],
    ]);
  });

  it('holds v at 0 for `refractory` steps after a spike', () => {
    // dv = 0, bias 3000, vth 10000, refractory 2: v = 3000, 6000, 9000, 12000 -> spike at 4;
    // steps 5, 6 held at 0; then 3000 (7), 6000, 9000, 12000 -> spike at 10; again at 16.
    const neuron = { du: 1024, dv: 0, vth: 10000, bias: 3000, refractory: 2, noise: 0 };
    expect(spikesOf({ n: 1, src: [], dst: [], neurons: columns(neuron) }, 16)).toEqual([
      [4, 0],
      [10, 0],
      [16, 0],
    ]);
  });

  it('rounds the decay of negative values toward zero (an arithmetic shift would differ)', () => {
    // Neuron 0 spikes at step 1 only; its synapse (weight −3, delay 1) kicks neuron 1 at step 2.
    // Neuron 1: du = 2048 (u halves), dv = 4096 (v = u + bias), bias 1, vth 0: it spikes iff u ≥ 0.
    //   t1: u = 0, v = 1 -> spike.    t2: u = −3, v = −2.    t3: u = −(3·2048 >> 12) = −1, v = 0.
    //   t4: u = −(1·2048 >> 12) = 0, v = 1 -> spike, and every step after.
    // With floor rounding u would stick at −1 from t4 on and neuron 1 would never spike again.
    const follower = { du: 2048, dv: 4096, vth: 0, bias: 1, refractory: 0, noise: 0 };
    const input = { n: 2, src: [0], dst: [1], weights: [-3], neurons: columns(ONCE, follower) };
    expect(spikesOf(input, 8)).toEqual([
      [1, 0],
      [1, 1],
      [4, 1],
      [5, 1],
      [6, 1],
      [7, 1],
      [8, 1],
    ]);
    expect(decayOracle(-3n, 2048)).toBe(-1n);
    expect(decayOracle(-1n, 2048)).toBe(0n);
    expect(decayOracle(-4097n, 1)).toBe(-4095n); // 4097 · 4095 = 16777215, >> 12 = 4095
  });

  it('a spike at step t along delay d is first seen at step t + d (u8, u16 and constant delays)', () => {
    // Neuron 0 spikes at step 1. Followers have du = dv = 4096 (v = arrivals) and vth 4, so a weight-5
    // arrival makes them spike on the step it arrives: at 1 + d.
    const follower = { du: 4096, dv: 4096, vth: 4, bias: 0, refractory: 0, noise: 0 };
    const u8 = { n: 3, src: [0, 0], dst: [1, 2], weights: [5, 5], delays: [3, 1], neurons: columns(ONCE, follower, follower) };
    expect(spikesOf(u8, 6)).toEqual([
      [1, 0],
      [2, 2],
      [4, 1],
    ]);
    const u16 = { n: 3, src: [0, 0], dst: [1, 2], weights: [5, 5], delays: [300, 2], neurons: columns(ONCE, follower, follower) };
    expect(spikesOf(u16, 400)).toEqual([
      [1, 0],
      [3, 2],
      [301, 1],
    ]);
    const constant = { n: 3, src: [0, 0], dst: [1, 2], weights: [5, 5], delays: [7, 7], neurons: columns(ONCE, follower, follower) };
    expect(spikesOf(constant, 10)).toEqual([
      [1, 0],
      [8, 1],
      [8, 2],
    ]);
  });

  it('adds parallel synapses and self-synapses separately; u is not reset by a spike', () => {
    // Neuron 0: bias 1, vth 0, dv = du = 4096, refractory 1: spikes at 1, 3, 5, ... (held at 2, 4, ...).
    // Two parallel weight-2 synapses 0 -> 1 (delay 1): neuron 1 (du = 0, so u keeps everything;
    // dv = 4096, vth 5) gets u = 4 at step 2, 8 at step 4 -> v = 8 > 5 spikes at 4, and since u is
    // not reset v = u = 8 spikes again at 5; at 6 u = 12 ... it spikes every step from 4 on.
    const driver = { du: 4096, dv: 4096, vth: 0, bias: 1, refractory: 1, noise: 0 };
    const follower = { du: 0, dv: 4096, vth: 5, bias: 0, refractory: 0, noise: 0 };
    const input = { n: 2, src: [0, 0], dst: [1, 1], weights: [2, 2], neurons: columns(driver, follower) };
    expect(spikesOf(input, 6)).toEqual([
      [1, 0],
      [3, 0],
      [4, 1],
      [5, 0],
      [5, 1],
      [6, 1],
    ]);
  });

  it('NOISE matches splitmix64 reference values, and the kernel draws it the same way', () => {
    // h(0, t) with seed 0 is splitmix64's t-th output from state 0: published reference values.
    expect(mix64Oracle(0x9e3779b97f4a7c15n)).toBe(0xe220a8397b1dcdafn);
    expect(mix64Oracle(2n * 0x9e3779b97f4a7c15n)).toBe(0x6e789e6aa1b965f4n);
    expect(noiseOracle(0n, 0, 1, 1000)).toBe((0xe220a8397b1dcdafn % 2001n) - 1000n);
    // A neuron with v = NOISE(t) (du = dv = 4096, no bias, no synapses) and vth = 0 spikes exactly
    // on the steps where NOISE(t) > 0.
    const steps = 64;
    const neuron = { du: 4096, dv: 4096, vth: 0, bias: 0, refractory: 0, noise: 1000 };
    const seed = 0xfedcba9876543210n;
    const expected: Array<[number, number]> = [];
    for (let t = 1; t <= steps; t++) if (noiseOracle(seed, 0, t, 1000) > 0n) expected.push([t, 0]);
    expect(expected.length).toBeGreaterThan(10);
    expect(expected.length).toBeLessThan(54);
    expect(spikesOf({ n: 1, src: [], dst: [], neurons: columns(neuron) }, steps, seed)).toEqual(expected);
  });

  it('a graph without a neuron table runs with the lif-model.md defaults', () => {
    // Defaults: du 1024, dv 256, vth 20000, bias 0, refractory 0, noise 0. One self-synapse of
    // weight 30000 never fires without input: the raster is empty; both forms agree.
    const bare = runLif(buildGraph(host, { n: 2, src: [0], dst: [1], weights: [30000] }), { steps: 20, recordSpikes: true });
    expect(bare.spikes!.neurons.length).toBe(0);
    expect(Array.from(bare.values)).toEqual([0, 0]);
    expect(bare.perSuperstep.length).toBe(20);
  });

  it('runs the empty graph and zero steps; reports progress up to the last step', () => {
    const empty = runLif(buildGraph(host, { n: 0, src: [], dst: [] }), { steps: 10, recordSpikes: true });
    expect(empty.values.length).toBe(0);
    expect(empty.spikes!.neurons.length).toBe(0);
    expect(empty.perSuperstep.length).toBe(10);
    const graph = buildGraph(host, { n: 3, src: [0], dst: [1], neurons: { bias: [30000, 0, 0] } });
    const none = runLif(graph, { steps: 0 });
    expect(Array.from(none.values)).toEqual([0, 0, 0]);
    expect(none.spikes).toBeUndefined();
    const progress: number[] = [];
    // neuron 0: bias 30000 > vth 20000 from step 1 on, refractory 0: spikes every step
    const busy = runLif(graph, { steps: 200, onProgress: (done, total) => progress.push(done / total) });
    expect(busy.values[0]).toBe(200);
    expect(progress.at(-1)).toBe(1);
    expect(progress.length).toBeGreaterThan(1); // driven in several bounded calls
  });

  it('counts synaptic events as spikes times out-degree', () => {
    // Neuron 0 spikes at 1, 3, 5 (as above) and has out-degree 3: 9 events in 6 steps.
    const driver = { du: 4096, dv: 4096, vth: 0, bias: 1, refractory: 1, noise: 0 };
    const quiet = { du: 4096, dv: 4096, vth: 100, bias: 0, refractory: 0, noise: 0 };
    const input = { n: 2, src: [0, 0, 0], dst: [1, 1, 0], weights: [1, 1, -1], neurons: columns(driver, quiet) };
    const result = runLif(buildGraph(host, input), { steps: 6 });
    expect(result.synapticEvents).toBe(9);
    expect(Array.from(result.values)).toEqual([3, 0]);
    expect(result.perSuperstep.map((s) => s.active)).toEqual([1, 0, 1, 0, 1, 0]);
  });

  it('raises LIF_OVERFLOW naming the neuron and step instead of wrapping', () => {
    // Neuron 0 spikes every step; 2048 parallel synapses of weight −2^31 reach neuron 1 (du = dv = 0:
    // nothing decays). u(t) = −2^42 (t − 1), v(t) = Σ u = −2^41 t (t − 1). |v| ≥ 2^61 first when
    // t (t − 1) ≥ 2^20: t = 1025 (1025 · 1024 ≥ 1048576 > 1024 · 1023).
    const k = 2048;
    const driver = { du: 4096, dv: 4096, vth: 0, bias: 1, refractory: 0, noise: 0 };
    const sink = { du: 0, dv: 0, vth: 0, bias: 0, refractory: 0, noise: 0 };
    const input = { n: 2, src: new Array(k).fill(0), dst: new Array(k).fill(1), weights: new Array(k).fill(-(2 ** 31)), neurons: columns(driver, sink) };
    const error = (() => {
      try {
        runLif(buildGraph(host, input), { steps: 2000 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SimulationError);
    expect((error as SimulationError).code).toBe(ErrorCode.LIF_OVERFLOW);
    expect((error as SimulationError).details).toMatchObject({ neuron: 1, step: 1025 });
    // one step fewer runs cleanly
    expect(runLif(buildGraph(host, input), { steps: 1024 }).values[0]).toBe(1024);
  });

  it('rejects non-integer weights and bad options with typed errors', () => {
    const graph = buildGraph(host, { n: 2, src: [0, 1], dst: [1, 0], weights: [1, 0.5], name: 'half.el' });
    expect(() => runLif(graph)).toThrow(InputError);
    try {
      runLif(graph);
    } catch (e) {
      expect((e as InputError).code).toBe(ErrorCode.NON_INTEGER_WEIGHT);
      expect((e as InputError).file).toBe('half.el');
      expect((e as InputError).field).toBe('weight');
    }
    // integer weights beyond i32 are stored as f64: refused, since arrivals could wrap an i64
    const huge = buildGraph(host, { n: 2, src: [0], dst: [1], weights: [2 ** 40] });
    expect(() => runLif(huge)).toThrow(expect.objectContaining({ code: ErrorCode.INPUT_RANGE }));
    const fine = buildGraph(host, { n: 1, src: [], dst: [] });
    for (const options of [{ steps: -1 }, { steps: 1.5 }, { steps: 2 ** 32 }, { seed: -1 }, { seed: 1n << 64n }]) {
      expect(() => runLif(fine, options)).toThrow(OptionsError);
    }
  });

  it('rasterSha256 hashes the T × n 0/1 raster, row t − 1 = step t', async () => {
    // 2 neurons, 3 steps, spikes (1, 1) and (3, 0): bytes 0 1 | 0 0 | 1 0.
    const raster = { steps: Uint32Array.of(1, 3), neurons: Uint32Array.of(1, 0) };
    expect(Array.from(rasterBytes(raster, 2, 3))).toEqual([0, 1, 0, 0, 1, 0]);
    const expected = createHash('sha256').update(Uint8Array.of(0, 1, 0, 0, 1, 0)).digest('hex');
    expect(await rasterSha256({ spikes: raster }, 2, 3)).toBe(expected);
    // the empty raster of 0 steps is the hash of no bytes
    expect(await rasterSha256({ spikes: { steps: new Uint32Array(0), neurons: new Uint32Array(0) } }, 5, 0)).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('the oracle agrees with these fixtures too', () => {
    const follower = { du: 2048, dv: 4096, vth: 0, bias: 1, refractory: 0, noise: 0 };
    const oracle = lifOracle({ n: 2, src: [0], dst: [1], weights: [-3], neurons: columns(ONCE, follower) }, { steps: 8 });
    expect(Array.from(oracle.steps)).toEqual([1, 1, 4, 5, 6, 7, 8]);
    expect(Array.from(oracle.neurons)).toEqual([0, 1, 1, 1, 1, 1, 1]);
  });
});
