/**
 * LIF oracle: lif-model.md transcribed line by line in plain TypeScript, with BigInt for u, v and
 * the noise. Slow (BigInt per neuron per step) and independent of the kernel on purpose: it reads
 * the arc arrays as given (no CSR, no ring buffer) and sums arrivals by PULLING over each neuron's
 * in-synapses from the spike history, where the kernel pushes spikes into a delay ring.
 *
 * It applies the same overflow rule as the kernel (|u| or |v| ≥ 2^61 after an update, neurons
 * scanned in id order) so that tests can compare both the raster and the error.
 */
import { ErrorCode, SimulationError } from '../errors.js';
import type { ArcArrays } from '../input/graph.js';
import { LIF_STATE_LIMIT_BITS, NEURON_DEFAULTS, NEURON_FIELDS, type NeuronField } from '../memory/layout.js';

const MASK64 = (1n << 64n) - 1n;
const LIMIT = 1n << BigInt(LIF_STATE_LIMIT_BITS);

export function mix64Oracle(value: bigint): bigint {
  let x = value & MASK64;
  x ^= x >> 30n;
  x = (x * 0xbf58476d1ce4e5b9n) & MASK64;
  x ^= x >> 27n;
  x = (x * 0x94d049bb133111ebn) & MASK64;
  x ^= x >> 31n;
  return x;
}

/** NOISE_i(t) of lif-model.md. */
export function noiseOracle(seed: bigint, neuron: number, step: number, amplitude: number): bigint {
  if (amplitude === 0) return 0n;
  const counter = BigInt(neuron) * 2n ** 32n + BigInt(step);
  const h = mix64Oracle(seed + 0x9e3779b97f4a7c15n * counter);
  return (h % BigInt(2 * amplitude + 1)) - BigInt(amplitude);
}

/** DECAY(x, d) = sign(x) · ((|x| · (4096 − d)) >> 12): rounded toward zero. */
export function decayOracle(x: bigint, d: number): bigint {
  const magnitude = x < 0n ? -x : x;
  const kept = (magnitude * BigInt(4096 - d)) >> 12n;
  return x < 0n ? -kept : kept;
}

export interface LifOracleResult {
  /** spikes per neuron */
  counts: Int32Array;
  /** every spike, sorted by step then neuron */
  steps: Uint32Array;
  neurons: Uint32Array;
}

/** Simulate `steps` steps of the model on arc arrays (weights must be integers). */
export function lifOracle(input: ArcArrays, options: { steps: number; seed?: bigint | number }): LifOracleResult {
  const { n } = input;
  const m = input.src.length;
  const seed = BigInt(options.seed ?? 0);
  const parameter = (field: NeuronField, i: number): number => input.neurons?.[field]?.[i] ?? NEURON_DEFAULTS[field];
  const params = NEURON_FIELDS.map((field) => Array.from({ length: n }, (_, i) => parameter(field, i)));
  const [du, dv, vth, bias, refractory, noise] = params as [number[], number[], number[], number[], number[], number[]];

  // in-synapses of each neuron: [source, weight, delay]
  const incoming: Array<Array<[number, bigint, number]>> = Array.from({ length: n }, () => []);
  for (let k = 0; k < m; k++) {
    incoming[input.dst[k]!]!.push([input.src[k]!, BigInt(input.weights?.[k] ?? 1), input.delays?.[k] ?? 1]);
  }

  const u = new Array<bigint>(n).fill(0n);
  const v = new Array<bigint>(n).fill(0n);
  const r = new Array<number>(n).fill(0);
  // spiked[t] = the set of neurons with s(t) = 1 (t ≥ 1)
  const spiked: Array<Uint8Array> = [new Uint8Array(n)];
  const counts = new Int32Array(n);
  const outSteps: number[] = [];
  const outNeurons: number[] = [];

  for (let t = 1; t <= options.steps; t++) {
    const s = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let a = 0n;
      for (const [j, w, d] of incoming[i]!) {
        if (t - d >= 1 && spiked[t - d]![j] === 1) a += w;
      }
      u[i] = decayOracle(u[i]!, du[i]!) + a;
      v[i] = decayOracle(v[i]!, dv[i]!) + u[i]! + BigInt(bias[i]!) + noiseOracle(seed, i, t, noise[i]!);
      const absU = u[i]! < 0n ? -u[i]! : u[i]!;
      const absV = v[i]! < 0n ? -v[i]! : v[i]!;
      if (absU >= LIMIT || absV >= LIMIT) {
        throw new SimulationError(ErrorCode.LIF_OVERFLOW, `LIF state overflow at neuron ${i}, step ${t}`, { neuron: i, step: t });
      }
      if (r[i]! > 0) {
        v[i] = 0n;
        r[i] = r[i]! - 1;
      } else if (v[i]! > BigInt(vth[i]!)) {
        s[i] = 1;
        v[i] = 0n;
        r[i] = refractory[i]!;
        counts[i]!++;
        outSteps.push(t);
        outNeurons.push(i);
      }
    }
    spiked.push(s);
  }
  return { counts, steps: Uint32Array.from(outSteps), neurons: Uint32Array.from(outNeurons) };
}
