/**
 * A Brunel-2000-style sparsely connected balanced network of excitatory and inhibitory integer LIF
 * neurons (N. Brunel, "Dynamics of sparsely connected networks of excitatory and inhibitory spiking
 * neurons", J. Comput. Neurosci. 8, 183–208, 2000; the "model A" used by NEST's brunel examples).
 *
 * Units: voltage in µV, time in steps of 0.1 ms. Delta synapses (du = 4096, so u = this step's
 * arrivals and a spike of weight J moves v by J), membrane decay dv = 4096 · dt/τm with τm = 20 ms,
 * threshold θ = 20 mV and reset V_r = 10 mV above rest (v is stored relative to V_r, see bias),
 * refractory 2 ms. Every neuron receives exactly CE = ε·NE excitatory
 * synapses (weight J) and CI = ε·NI inhibitory ones (weight −g·J) from sources drawn uniformly with
 * replacement (parallel synapses and self-synapses are allowed, as in NEST's fixed_indegree rule),
 * all with one fixed delay.
 *
 * External drive: Brunel's CE independent Poisson inputs at rate η·ν_thr, with ν_thr = θ/(J·CE·τm),
 * deliver λ = η·ν_thr·CE·dt spikes of weight J per step. That is replaced by its mean as a bias
 * (λ·J) plus the model's uniform noise with the same variance (λ·J² = a(a+1)/3 for amplitude a),
 * so the drive is reproducible and costs no synapses.
 *
 * Arcs come out sorted by source (targets ascending within a source), so buildGraph keeps them
 * in place. Cost: about 17 bytes per synapse of typed arrays; 15.6M synapses in a few seconds.
 */
import { OptionsError } from '../errors.js';
import type { ArcArrays } from '../input/graph.js';
import { MAX_DELAY } from '../memory/layout.js';
import { Prng } from './prng.js';

export interface BrunelOptions {
  /** multiplies the default population sizes (NE = 10,000·scale, NI = NE/4); default 1 */
  scale?: number;
  /** excitatory neurons (overrides scale); default 10,000·scale */
  ne?: number;
  /** inhibitory neurons; default NE/4 */
  ni?: number;
  /** connection probability: in-degree ε·NE + ε·NI; default 0.1 */
  epsilon?: number;
  /** relative strength of inhibition; default 5 */
  g?: number;
  /** excitatory weight J in µV; default 100 (0.1 mV) */
  j?: number;
  /** synaptic delay in steps; default 15 (1.5 ms) */
  delay?: number;
  /** external rate relative to the threshold rate; default 2 */
  eta?: number;
  /** threshold θ in µV above rest; default 20,000 (20 mV) */
  threshold?: number;
  /** reset potential V_r in µV above rest, 0 ≤ V_r < θ; default 10,000 (10 mV) */
  reset?: number;
  /** refractory period in steps; default 20 (2 ms) */
  refractory?: number;
  /** membrane time constant in ms; default 20 */
  tauMs?: number;
  /** step length in ms; default 0.1 */
  dtMs?: number;
  seed?: number | bigint;
}

/** The parameters a Brunel network was built with, derived values included. */
export interface BrunelParameters {
  ne: number;
  ni: number;
  ce: number;
  ci: number;
  j: number;
  inhibitoryWeight: number;
  delay: number;
  dv: number;
  /** the neurons' vth: θ − V_r (v is held relative to the reset potential) */
  threshold: number;
  refractory: number;
  /** external drive per step: bias (mean) and noise amplitude (same variance as the Poisson input) */
  bias: number;
  noise: number;
  /** external spikes per neuron per step (λ) */
  externalPerStep: number;
}

function positiveInteger(name: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 0)) throw new OptionsError(name, 'must be a non-negative integer', value);
  return value;
}

function positiveNumber(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new OptionsError(name, 'must be a positive finite number', value);
  return value;
}

export function brunelParameters(options: BrunelOptions = {}): BrunelParameters {
  const scale = positiveNumber('scale', options.scale ?? 1);
  const ne = positiveInteger('ne', options.ne ?? Math.round(10_000 * scale));
  const ni = positiveInteger('ni', options.ni ?? Math.round(ne / 4));
  const epsilon = options.epsilon ?? 0.1;
  if (!(epsilon > 0 && epsilon <= 1)) throw new OptionsError('epsilon', 'must be in (0, 1]', epsilon);
  const g = options.g ?? 5;
  if (!(Number.isFinite(g) && g >= 0)) throw new OptionsError('g', 'must be a non-negative finite number', g);
  const j = options.j ?? 100;
  if (!(Number.isInteger(j) && j > 0 && g * j < 2 ** 31)) throw new OptionsError('j', 'must be a positive integer with g·j < 2^31', j);
  const delay = options.delay ?? 15;
  if (!(Number.isInteger(delay) && delay >= 1 && delay <= MAX_DELAY)) throw new OptionsError('delay', `must be an integer in [1, ${MAX_DELAY}]`, delay);
  const eta = options.eta ?? 2;
  if (!(Number.isFinite(eta) && eta >= 0)) throw new OptionsError('eta', 'must be a non-negative finite number', eta);
  const threshold = options.threshold ?? 20_000;
  if (!(Number.isInteger(threshold) && threshold > 0 && threshold < 2 ** 31)) throw new OptionsError('threshold', 'must be a positive i32', threshold);
  const reset = options.reset ?? 10_000;
  if (!(Number.isInteger(reset) && reset >= 0 && reset < threshold)) throw new OptionsError('reset', 'must be an integer in [0, threshold)', reset);
  const refractory = positiveInteger('refractory', options.refractory ?? 20);
  const tauMs = positiveNumber('tauMs', options.tauMs ?? 20);
  const dtMs = positiveNumber('dtMs', options.dtMs ?? 0.1);
  const ce = Math.round(epsilon * ne);
  const ci = Math.round(epsilon * ni);
  if (ne + ni > 0 && ce + ci === 0) throw new OptionsError('epsilon', 'gives every neuron zero synapses', epsilon);
  if ((ce > 0 && ne === 0) || (ci > 0 && ni === 0)) throw new OptionsError('ne', 'must be positive when synapses are drawn from it', ne);

  const dv = Math.min(4096, Math.max(1, Math.round((4096 * dtMs) / tauMs)));
  // Brunel's threshold rate, per ms: the external rate that brings the mean free potential to θ.
  const nuThreshold = ce > 0 ? threshold / (j * ce * tauMs) : 0;
  const externalPerStep = eta * nuThreshold * ce * dtMs;
  // The model resets v to 0, so v is held relative to V_r: the threshold becomes θ − V_r, and the
  // leak toward rest (−V_r in these coordinates) becomes a constant −V_r · dv/4096 per step.
  const bias = Math.round(externalPerStep * j - (reset * dv) / 4096);
  // Poisson variance λ·J² matched by a uniform integer on [−a, a]: a(a + 1)/3.
  const variance = externalPerStep * j * j;
  const noise = Math.round((-1 + Math.sqrt(1 + 12 * variance)) / 2);
  return { ne, ni, ce, ci, j, inhibitoryWeight: -Math.round(g * j), delay, dv, threshold: threshold - reset, refractory, bias, noise, externalPerStep };
}

/** Generate the network as arc arrays (sorted by source) plus a neuron table; deterministic in `seed`. */
export function generateBrunel(options: BrunelOptions = {}): ArcArrays & { parameters: BrunelParameters } {
  const parameters = brunelParameters(options);
  const { ne, ni, ce, ci, j, inhibitoryWeight, delay } = parameters;
  const n = ne + ni;
  const perTarget = ce + ci;
  const m = n * perTarget;
  const prng = new Prng(options.seed ?? 0);

  // Draw the sources target by target (fixed in-degree), then counting-sort arcs by source so the
  // CSR needs no permutation. Targets stay ascending within each source.
  const drawn = new Uint32Array(m);
  const outDegree = new Uint32Array(n + 1);
  let k = 0;
  for (let target = 0; target < n; target++) {
    for (let c = 0; c < ce; c++) {
      const source = prng.nextInt(ne);
      drawn[k++] = source;
      outDegree[source + 1]!++;
    }
    for (let c = 0; c < ci; c++) {
      const source = ne + prng.nextInt(ni);
      drawn[k++] = source;
      outDegree[source + 1]!++;
    }
  }
  for (let v = 0; v < n; v++) outDegree[v + 1]! += outDegree[v]!;
  const src = new Uint32Array(m);
  const dst = new Uint32Array(m);
  const cursor = outDegree.subarray(0, n).slice();
  k = 0;
  for (let target = 0; target < n; target++) {
    for (let c = 0; c < perTarget; c++) dst[cursor[drawn[k++]!]!++] = target;
  }
  const weights = new Int32Array(m);
  for (let source = 0; source < n; source++) {
    const begin = outDegree[source]!;
    const end = outDegree[source + 1]!;
    src.fill(source, begin, end);
    weights.fill(source < ne ? j : inhibitoryWeight, begin, end);
  }
  const delays = delay === 1 ? undefined : delay <= 0xff ? new Uint8Array(m).fill(delay) : new Uint16Array(m).fill(delay);

  const column = (value: number) => new Int32Array(n).fill(value);
  return {
    n,
    src,
    dst,
    weights,
    delays,
    neurons: {
      du: column(4096),
      dv: column(parameters.dv),
      vth: column(parameters.threshold),
      bias: column(parameters.bias),
      refractory: column(parameters.refractory),
      noise: column(parameters.noise),
    },
    name: `brunel(ne=${ne},ni=${ni},seed=${String(options.seed ?? 0)})`,
    parameters,
  };
}
