// The seeded PRNG and the Brunel / CUBA generators: reference values, structure, determinism, and a
// short simulation that must land in a plausible firing regime.
import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, OptionsError } from '../../src/index.js';
import { runLif } from '../../src/execute/lif.js';
import { brunelParameters, generateBrunel } from '../../src/generate/brunel.js';
import { cubaParameters, generateCuba } from '../../src/generate/cuba.js';
import { Prng } from '../../src/generate/prng.js';

const host = createHostSync({ initialBytes: 64 << 20 });

describe('Prng', () => {
  it('is xoshiro128** seeded by splitmix64 (values from the C reference implementation)', () => {
    // Blackman–Vigna's xoshiro128starstar.c, state = two splitmix64 outputs from 0, low word first.
    const prng = new Prng(0);
    expect([prng.nextU32(), prng.nextU32(), prng.nextU32()]).toEqual([3737715805, 2584255861, 2876756834]);
  });

  it('is deterministic per seed and differs between seeds; accepts bigint seeds', () => {
    const draw = (seed: number | bigint) => {
      const prng = new Prng(seed);
      return Array.from({ length: 8 }, () => prng.nextU32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).toEqual(draw(42n));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(-1)).toEqual(draw(2n ** 64n - 1n));
  });

  it('nextInt is in range and unbiased (chi-square), nextFloat is in [0, 1)', () => {
    const prng = new Prng(9);
    const bound = 7;
    const counts = new Array(bound).fill(0);
    const draws = 70_000;
    for (let i = 0; i < draws; i++) counts[prng.nextInt(bound)]++;
    const expected = draws / bound;
    const chi2 = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(22.5); // p = 0.001 for 6 degrees of freedom
    // a bound just above 2^31 would be biased by plain modulo of 32 bits: values stay in range
    const big = 2 ** 31 + 1;
    let top = 0;
    for (let i = 0; i < 10_000; i++) {
      const value = prng.nextInt(big);
      expect(value).toBeLessThan(big);
      if (value >= 2 ** 30) top++;
    }
    expect(top / 10_000).toBeGreaterThan(0.45); // about half the values lie above 2^30
    for (let i = 0; i < 1000; i++) {
      const x = prng.nextFloat();
      expect(x >= 0 && x < 1).toBe(true);
    }
    expect(prng.nextInt(2 ** 40)).toBeLessThan(2 ** 40);
    expect(() => prng.nextInt(0)).toThrow(OptionsError);
    expect(() => prng.nextInt(1.5)).toThrow(OptionsError);
  });
});

describe('generateBrunel', () => {
  it('derives the integer parameters from Brunel 2000 (hand-computed)', () => {
    const p = brunelParameters();
    expect([p.ne, p.ni, p.ce, p.ci]).toEqual([10_000, 2_500, 1_000, 250]);
    expect([p.j, p.inhibitoryWeight, p.delay, p.refractory]).toEqual([100, -500, 15, 20]);
    // dv = 4096 · 0.1 / 20 = 20.48 -> 20; vth = θ − V_r = 20 mV − 10 mV.
    expect([p.dv, p.threshold]).toEqual([20, 10_000]);
    // ν_thr = θ / (J · CE · τm) = 20000 / (100 · 1000 · 20 ms) = 0.01 /ms; λ = η ν_thr CE dt = 2 per step.
    expect(p.externalPerStep).toBeCloseTo(2, 12);
    // bias = λ J − V_r dv / 4096 = 200 − 48.83 = 151; noise: a(a + 1)/3 = λ J² = 20000 -> a = 244.
    expect([p.bias, p.noise]).toEqual([151, 244]);
  });

  it('gives every neuron exactly CE excitatory and CI inhibitory in-synapses, sorted by source', () => {
    const net = generateBrunel({ scale: 0.05, seed: 3 });
    const { ne, ni, ce, ci, j } = net.parameters;
    expect([ne, ni, ce, ci]).toEqual([500, 125, 50, 13]);
    const n = ne + ni;
    expect(net.n).toBe(n);
    expect(net.src.length).toBe(n * (ce + ci));
    const excitatoryIn = new Int32Array(n);
    const inhibitoryIn = new Int32Array(n);
    // count violations in plain loops (an expect per arc would dominate the test's time)
    let unsorted = 0;
    let wrongWeight = 0;
    let wrongDelay = 0;
    for (let k = 0; k < net.src.length; k++) {
      const s = net.src[k]!;
      if (k > 0 && s < net.src[k - 1]!) unsorted++;
      if (net.weights![k] !== (s < ne ? j : -5 * j)) wrongWeight++;
      if (net.delays![k] !== 15) wrongDelay++;
      (s < ne ? excitatoryIn : inhibitoryIn)[net.dst[k]!]!++;
    }
    expect([unsorted, wrongWeight, wrongDelay]).toEqual([0, 0, 0]);
    expect(excitatoryIn.every((c) => c === ce)).toBe(true);
    expect(inhibitoryIn.every((c) => c === ci)).toBe(true);
    const graph = buildGraph(host, net, { trusted: true });
    expect(graph.arcInputOrder).toBeNull(); // already in CSR order: no permutation kept
  });

  it('is deterministic in the seed', () => {
    const a = generateBrunel({ scale: 0.02, seed: 11 });
    const b = generateBrunel({ scale: 0.02, seed: 11 });
    const c = generateBrunel({ scale: 0.02, seed: 12 });
    expect(Array.from(a.dst)).toEqual(Array.from(b.dst));
    expect(Array.from(a.dst)).not.toEqual(Array.from(c.dst));
  });

  it('fires in a plausible regime: neither silent nor locked to the refractory period', () => {
    // 2,500 neurons with the default in-degree (ε = 0.5 keeps CE = 1000, CI = 250: 3.1M synapses),
    // 0.2 s simulated; the rate is measured after the synchronous start (all v = 0) has died out.
    const graph = buildGraph(host, generateBrunel({ scale: 0.2, epsilon: 0.5, seed: 1 }), { trusted: true });
    const steps = 2000;
    const result = runLif(graph, { steps, seed: 5 });
    const spikes = (result.values as Int32Array).reduce((sum, c) => sum + c, 0);
    const late = result.perSuperstep.slice(1000).reduce((sum, s) => sum + s.active, 0);
    const rate = late / graph.n / ((steps - 1000) * 1e-4);
    expect(rate).toBeGreaterThan(5);
    expect(rate).toBeLessThan(50); // the refractory limit is 1 / 2 ms = 500 Hz
    // events = Σ spikes × out-degree (out-degrees vary: sources are drawn at random)
    const offsets = graph.outOffsets;
    let events = 0;
    for (let i = 0; i < graph.n; i++) events += (result.values[i] as number) * (offsets[i + 1]! - offsets[i]!);
    expect(spikes).toBeGreaterThan(0);
    expect(result.synapticEvents).toBe(events);
  });

  it('rejects bad options', () => {
    expect(() => generateBrunel({ epsilon: 0 })).toThrow(OptionsError);
    expect(() => generateBrunel({ delay: 0 })).toThrow(OptionsError);
    expect(() => generateBrunel({ j: 1.5 })).toThrow(OptionsError);
    expect(() => generateBrunel({ reset: 20_000 })).toThrow(OptionsError);
  });
});

describe('generateCuba', () => {
  it('derives the integer parameters from the Brette 2007 CUBA benchmark (hand-computed)', () => {
    const p = cubaParameters();
    // du = 4096 · 0.1/5 = 81.92 -> 82; dv = 20; vth = 10 mV = 100000 (0.1 µV); refractory 5 ms.
    expect([p.du, p.dv, p.threshold, p.refractory]).toEqual([82, 20, 100_000, 50]);
    // rest 11 mV above reset: bias = 110000 · 20 / 4096 = 537.1 -> 537
    expect(p.bias).toBe(537);
    // charge kept: 16200 · 5/20 / (4096/82) = 81.08 -> 81; −90000 · 10/20 / 49.95 = −900.9 -> −901
    expect([p.excitatoryWeight, p.inhibitoryWeight]).toEqual([81, -901]);
    expect(p.ne).toBe(3200);
  });

  it('connects each ordered pair with probability p, no self-synapses, sorted by source', () => {
    const net = generateCuba({ seed: 4 });
    const m = net.src.length;
    const expected = 4000 * 3999 * 0.02;
    const sd = Math.sqrt(expected * 0.98);
    expect(Math.abs(m - expected)).toBeLessThan(5 * sd);
    const seen = new Set<number>();
    let selfSynapses = 0;
    let unsorted = 0;
    let wrongWeight = 0;
    for (let k = 0; k < m; k++) {
      const s = net.src[k]!;
      const d = net.dst[k]!;
      if (s === d) selfSynapses++;
      if (k > 0 && !(s > net.src[k - 1]! || (s === net.src[k - 1]! && d > net.dst[k - 1]!))) unsorted++;
      if (net.weights![k] !== (s < 3200 ? 81 : -901)) wrongWeight++;
      seen.add(s);
    }
    expect([selfSynapses, unsorted, wrongWeight]).toEqual([0, 0, 0]);
    expect(seen.size).toBeGreaterThan(3900);
    expect(net.delays).toBeUndefined();
    expect(Array.from(generateCuba({ seed: 4, n: 300 }).dst)).toEqual(Array.from(generateCuba({ seed: 4, n: 300 }).dst));
    expect(generateCuba({ n: 50, p: 1 }).src.length).toBe(50 * 49);
    expect(generateCuba({ n: 50, p: 0 }).src.length).toBe(0);
  });

  it('fires at a plausible rate after the start transient', () => {
    const graph = buildGraph(host, generateCuba({ seed: 2 }), { trusted: true });
    const steps = 3000;
    const result = runLif(graph, { steps, seed: 2 });
    const late = result.perSuperstep.slice(1000).reduce((sum, s) => sum + s.active, 0);
    const rate = late / graph.n / ((steps - 1000) * 1e-4);
    expect(rate).toBeGreaterThan(3);
    expect(rate).toBeLessThan(40);
  });
});
