/**
 * A Brette-2007-CUBA-style network as an integer LIF network (R. Brette et al., "Simulation of
 * networks of spiking neurons: a review of tools and strategies", J. Comput. Neurosci. 23,
 * 349–398, 2007, benchmark 2; after Vogels and Abbott 2005, as in Brian's CUBA example).
 *
 * The benchmark: 80% excitatory / 20% inhibitory neurons, each ordered pair connected with
 * probability p, τm = 20 ms, reset −60 mV, threshold −50 mV, rest −49 mV (above threshold, so
 * neurons fire without input), refractory 5 ms, exponential current synapses (τe = 5 ms, τi = 10 ms)
 * that jump by 1.62 mV and −9 mV.
 *
 * Integer form. Units: voltage in 0.1 µV above the reset potential, steps of 0.1 ms. The model has
 * one current decay per neuron, so both synapse kinds use du = 4096 · dt/τe (τe = 5 ms). Weights
 * are scaled to keep each spike's total charge: in the benchmark a jump w_b of a current with time
 * constant τs moves v by w_b · τs/τm in all; here a weight w adds Σ u = w · 4096/du to v. So
 * w_e = 1.62 mV · (5/20) / (4096/du) and w_i = −9 mV · (10/20) / (4096/du). The rest potential
 * becomes a bias (v∞ = bias · 4096/dv = 11 mV above reset), and a small uniform noise keeps the
 * neurons, which all start at v = 0, from firing in lockstep.
 *
 * Arcs come out sorted by source, targets ascending; no self-synapses.
 */
import { OptionsError } from '../errors.js';
import type { ArcArrays } from '../input/graph.js';
import { MAX_DELAY } from '../memory/layout.js';
import { Prng } from './prng.js';

export interface CubaOptions {
  /** neurons; default 4000 */
  n?: number;
  /** connection probability of each ordered pair; default 0.02 */
  p?: number;
  /** excitatory fraction; default 0.8 */
  excitatoryFraction?: number;
  /** synaptic delay in steps; default 1 */
  delay?: number;
  /** uniform noise amplitude per step in 0.1 µV; default 6000 (0.6 mV) */
  noise?: number;
  /** excitatory current jump in mV (benchmark 1.62) */
  excitatoryJumpMv?: number;
  /** inhibitory current jump in mV (benchmark −9) */
  inhibitoryJumpMv?: number;
  seed?: number | bigint;
}

export interface CubaParameters {
  n: number;
  ne: number;
  p: number;
  du: number;
  dv: number;
  threshold: number;
  bias: number;
  refractory: number;
  noise: number;
  excitatoryWeight: number;
  inhibitoryWeight: number;
  delay: number;
}

// The benchmark's constants (ms, mV) and this encoding's units.
const DT_MS = 0.1;
const TAU_M_MS = 20;
const TAU_E_MS = 5;
const TAU_I_MS = 10;
const UNITS_PER_MV = 10_000; // 0.1 µV
const THRESHOLD_MV = 10; // −50 mV − (−60 mV)
const REST_MV = 11; // −49 mV − (−60 mV)
const REFRACTORY_MS = 5;

export function cubaParameters(options: CubaOptions = {}): CubaParameters {
  const n = options.n ?? 4000;
  if (!(Number.isInteger(n) && n >= 0)) throw new OptionsError('n', 'must be a non-negative integer', n);
  const p = options.p ?? 0.02;
  if (!(p >= 0 && p <= 1)) throw new OptionsError('p', 'must be in [0, 1]', p);
  const fraction = options.excitatoryFraction ?? 0.8;
  if (!(fraction >= 0 && fraction <= 1)) throw new OptionsError('excitatoryFraction', 'must be in [0, 1]', fraction);
  const delay = options.delay ?? 1;
  if (!(Number.isInteger(delay) && delay >= 1 && delay <= MAX_DELAY)) throw new OptionsError('delay', `must be an integer in [1, ${MAX_DELAY}]`, delay);
  const noise = options.noise ?? 6000;
  if (!(Number.isInteger(noise) && noise >= 0 && noise <= 0x3fff_ffff)) throw new OptionsError('noise', 'must be an integer in [0, 2^30)', noise);
  const excitatoryJump = options.excitatoryJumpMv ?? 1.62;
  const inhibitoryJump = options.inhibitoryJumpMv ?? -9;
  if (!Number.isFinite(excitatoryJump)) throw new OptionsError('excitatoryJumpMv', 'must be finite', excitatoryJump);
  if (!Number.isFinite(inhibitoryJump)) throw new OptionsError('inhibitoryJumpMv', 'must be finite', inhibitoryJump);

  const du = Math.round((4096 * DT_MS) / TAU_E_MS);
  const dv = Math.round((4096 * DT_MS) / TAU_M_MS);
  const stepsPerCharge = 4096 / du; // Σ u over a spike's life, per unit weight
  const excitatoryWeight = Math.round((excitatoryJump * UNITS_PER_MV * (TAU_E_MS / TAU_M_MS)) / stepsPerCharge);
  const inhibitoryWeight = Math.round((inhibitoryJump * UNITS_PER_MV * (TAU_I_MS / TAU_M_MS)) / stepsPerCharge);
  return {
    n,
    ne: Math.round(n * fraction),
    p,
    du,
    dv,
    threshold: THRESHOLD_MV * UNITS_PER_MV,
    bias: Math.round((REST_MV * UNITS_PER_MV * dv) / 4096),
    refractory: Math.round(REFRACTORY_MS / DT_MS),
    noise,
    excitatoryWeight,
    inhibitoryWeight,
    delay,
  };
}

/** Generate the network as arc arrays (sorted by source) plus a neuron table; deterministic in `seed`. */
export function generateCuba(options: CubaOptions = {}): ArcArrays & { parameters: CubaParameters } {
  const parameters = cubaParameters(options);
  const { n, ne, p } = parameters;
  const prng = new Prng(options.seed ?? 0);

  // Bernoulli(p) over the n − 1 candidate targets of each source by geometric skips: the gap to the
  // next success is floor(log(U) / log(1 − p)), one draw per synapse instead of one per pair.
  let capacity = Math.max(16, Math.ceil(n * (n - 1) * p * 1.1) + 64);
  let src = new Uint32Array(capacity);
  let dst = new Uint32Array(capacity);
  let m = 0;
  const logMiss = Math.log1p(-p);
  for (let source = 0; source < n && p > 0; source++) {
    let candidate = -1;
    for (;;) {
      candidate += p === 1 ? 1 : 1 + Math.floor(Math.log(1 - prng.nextFloat()) / logMiss);
      if (candidate >= n - 1) break;
      if (m === capacity) {
        capacity *= 2;
        const grownSrc = new Uint32Array(capacity);
        grownSrc.set(src);
        src = grownSrc;
        const grownDst = new Uint32Array(capacity);
        grownDst.set(dst);
        dst = grownDst;
      }
      src[m] = source;
      dst[m] = candidate < source ? candidate : candidate + 1; // skip the self-pair
      m++;
    }
  }
  src = src.slice(0, m);
  dst = dst.slice(0, m);
  const weights = new Int32Array(m);
  for (let k = 0; k < m; k++) weights[k] = src[k]! < ne ? parameters.excitatoryWeight : parameters.inhibitoryWeight;
  const delays = parameters.delay === 1 ? undefined : parameters.delay <= 0xff ? new Uint8Array(m).fill(parameters.delay) : new Uint16Array(m).fill(parameters.delay);

  const column = (value: number) => new Int32Array(n).fill(value);
  return {
    n,
    src,
    dst,
    weights,
    delays,
    neurons: {
      du: column(parameters.du),
      dv: column(parameters.dv),
      vth: column(parameters.threshold),
      bias: column(parameters.bias),
      refractory: column(parameters.refractory),
      noise: column(parameters.noise),
    },
    name: `cuba(n=${n},p=${p},seed=${String(options.seed ?? 0)})`,
    parameters,
  };
}
