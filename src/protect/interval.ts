/**
 * How often to checkpoint (issue 6 item 2): the interval that minimises the expected time lost to
 * checkpoints plus the work redone after a failure, from the measured checkpoint cost C and the
 * mean time between failures M.
 *
 * - Young (1974): T = sqrt(2 C M), first order in C / M.
 *   J. W. Young, "A first order approximation to the optimum checkpoint interval", Communications
 *   of the ACM 17(9):530-531, 1974.
 * - Daly (2006), the higher-order estimate (his eq. 37): for C < 2M,
 *   T = sqrt(2 C M) * [1 + (1/3) sqrt(C / (2M)) + (1/9) (C / (2M))] - C, and T = M otherwise.
 *   J. T. Daly, "A higher order estimate of the optimum checkpoint interval for restart dumps",
 *   Future Generation Computer Systems 22(3):303-312, 2006.
 * Both give compute time between checkpoints; the interval in supersteps divides it by the
 * measured superstep time.
 *
 * M is configured, or estimated from the failures seen: the configured value is a prior worth
 * `priorFailures` failures, and the estimate is (priorFailures * M0 + exposure) / (priorFailures
 * + failures), the mean of the conjugate (gamma) estimate of an exponential failure rate, with
 * exposure and failures both decayed by half every `halfLifeSeconds` so that old history fades.
 * Each failure adds 1 below the line (M shrinks); failure-free time adds exposure and decays the
 * failures (M grows): the interval shortens as failures come more often and lengthens when they
 * stop, monotonically in both directions. Exposure decays towards its ceiling halfLife / ln 2 from
 * below, never past it, which is what keeps the growth monotone.
 *
 * `adjustCheckpointInterval(state, event)` is pure: it returns a new state and never changes the
 * one it is given, so the runtime can keep, compare and log states freely.
 */
import { OptionsError } from '../errors.js';

export type IntervalFormula = 'daly' | 'young';

export interface IntervalOptions {
  /** the configured mean time between failures, in seconds (default one day) */
  mtbfSeconds?: number;
  /** estimate M from the failures seen, starting from mtbfSeconds (default true); false keeps M fixed */
  estimateMtbf?: boolean;
  /** how many failures the configured M counts as (default 1): larger = slower to move */
  priorFailures?: number;
  /** old failures and failure-free time count half after this many seconds (default 7 days; Infinity = never forget) */
  halfLifeSeconds?: number;
  /** weight of a new measurement of C or of the superstep time in their moving averages (0 < s <= 1, default 0.25) */
  smoothing?: number;
  formula?: IntervalFormula;
  /** the interval before C and the superstep time are measured (default 1: measure C early) */
  initialSupersteps?: number;
  minSupersteps?: number;
  maxSupersteps?: number;
}

export interface IntervalState {
  readonly options: Readonly<Required<IntervalOptions>>;
  /** moving average of the measured checkpoint cost C, seconds; null until measured */
  readonly checkpointSeconds: number | null;
  /** moving average of the measured superstep time, seconds; null until measured */
  readonly superstepSeconds: number | null;
  /** failure-free time seen, decayed (seconds) */
  readonly exposureSeconds: number;
  /** failures seen, decayed */
  readonly weightedFailures: number;
  /** failures seen, not decayed */
  readonly failures: number;
  /** the current estimate of M, seconds */
  readonly mtbfSeconds: number;
  /** Young or Daly's T from the current C and M, seconds; null until C is measured */
  readonly intervalSeconds: number | null;
  /** T in supersteps, clamped to [minSupersteps, maxSupersteps] */
  readonly intervalSupersteps: number;
}

export type IntervalEvent =
  /** a superstep ran for `seconds` without failure */
  | { kind: 'superstep'; seconds: number }
  /** a checkpoint cost `seconds` (taken and stored; the run was held for it) */
  | { kind: 'checkpoint'; seconds: number }
  /** a worker failed */
  | { kind: 'failure' }
  /** other failure-free time passed (a restore, an idle wait) */
  | { kind: 'elapsed'; seconds: number };

const DEFAULTS: Required<IntervalOptions> = {
  mtbfSeconds: 86_400,
  estimateMtbf: true,
  priorFailures: 1,
  halfLifeSeconds: 7 * 86_400,
  smoothing: 0.25,
  formula: 'daly',
  initialSupersteps: 1,
  minSupersteps: 1,
  maxSupersteps: 0xffff_ffff,
};

/** Young's optimum compute time between checkpoints, sqrt(2 C M) (seconds). */
export function youngInterval(checkpointSeconds: number, mtbfSeconds: number): number {
  return Math.sqrt(2 * checkpointSeconds * mtbfSeconds);
}

/** Daly's higher-order optimum (module comment), seconds; M when C >= 2M. */
export function dalyInterval(checkpointSeconds: number, mtbfSeconds: number): number {
  if (checkpointSeconds >= 2 * mtbfSeconds) return mtbfSeconds;
  const ratio = checkpointSeconds / (2 * mtbfSeconds);
  return Math.sqrt(2 * checkpointSeconds * mtbfSeconds) * (1 + Math.sqrt(ratio) / 3 + ratio / 9) - checkpointSeconds;
}

/** A fresh state: nothing measured, M = the configured value. Options are checked here. */
export function createIntervalState(options: IntervalOptions = {}): IntervalState {
  const resolved: Required<IntervalOptions> = { ...DEFAULTS, ...definedOnly(options) };
  const positive = (name: keyof IntervalOptions, value: number): void => {
    if (!(typeof value === 'number' && value > 0)) throw new OptionsError(name, 'must be a positive number', value);
  };
  positive('mtbfSeconds', resolved.mtbfSeconds);
  if (!Number.isFinite(resolved.mtbfSeconds)) throw new OptionsError('mtbfSeconds', 'must be finite', resolved.mtbfSeconds);
  positive('priorFailures', resolved.priorFailures);
  if (!Number.isFinite(resolved.priorFailures)) throw new OptionsError('priorFailures', 'must be finite (use estimateMtbf: false for a fixed MTBF)', resolved.priorFailures);
  positive('halfLifeSeconds', resolved.halfLifeSeconds);
  if (!(resolved.smoothing > 0 && resolved.smoothing <= 1)) throw new OptionsError('smoothing', 'must be in (0, 1]', resolved.smoothing);
  if (resolved.formula !== 'daly' && resolved.formula !== 'young') throw new OptionsError('formula', 'must be "daly" or "young"', resolved.formula);
  if (typeof resolved.estimateMtbf !== 'boolean') throw new OptionsError('estimateMtbf', 'must be a boolean', resolved.estimateMtbf);
  for (const name of ['initialSupersteps', 'minSupersteps', 'maxSupersteps'] as const) {
    const value = resolved[name];
    if (!(Number.isInteger(value) && value >= 1)) throw new OptionsError(name, 'must be a positive integer', value);
  }
  if (resolved.minSupersteps > resolved.maxSupersteps) throw new OptionsError('minSupersteps', `must not exceed maxSupersteps ${resolved.maxSupersteps}`, resolved.minSupersteps);
  const initial = Math.min(resolved.maxSupersteps, Math.max(resolved.minSupersteps, resolved.initialSupersteps));
  return Object.freeze({
    options: Object.freeze(resolved),
    checkpointSeconds: null,
    superstepSeconds: null,
    exposureSeconds: 0,
    weightedFailures: 0,
    failures: 0,
    mtbfSeconds: resolved.mtbfSeconds,
    intervalSeconds: null,
    intervalSupersteps: initial,
  });
}

/**
 * The state after `event` (pure; the module comment gives the model). Measured seconds must be
 * finite and non-negative (an OptionsError otherwise: a clock that went backwards is a bug to
 * see, not a value to average).
 */
export function adjustCheckpointInterval(state: IntervalState, event: IntervalEvent): IntervalState {
  const { options } = state;
  let { checkpointSeconds, superstepSeconds, exposureSeconds, weightedFailures, failures } = state;
  if (event.kind === 'failure') {
    weightedFailures += 1;
    failures += 1;
  } else {
    const seconds = event.seconds;
    if (!(typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0)) {
      throw new OptionsError(`${event.kind} event seconds`, 'must be a finite, non-negative number', seconds);
    }
    if (event.kind === 'superstep') superstepSeconds = average(superstepSeconds, seconds, options.smoothing);
    if (event.kind === 'checkpoint') checkpointSeconds = average(checkpointSeconds, seconds, options.smoothing);
    // Failure-free time: exposure grows towards halfLife / ln 2, failures fade.
    if (Number.isFinite(options.halfLifeSeconds)) {
      const keep = Math.pow(2, -seconds / options.halfLifeSeconds);
      const ceiling = options.halfLifeSeconds / Math.LN2;
      // exposure * keep + ceiling * (1 - keep), with 1 - keep from expm1 so that short steps
      // against a long half-life are not lost to rounding.
      exposureSeconds = exposureSeconds * keep - ceiling * Math.expm1((-seconds * Math.LN2) / options.halfLifeSeconds);
      exposureSeconds = Math.min(exposureSeconds, ceiling);
      weightedFailures *= keep;
    } else {
      exposureSeconds += seconds;
    }
  }
  const mtbfSeconds = options.estimateMtbf
    ? (options.priorFailures * options.mtbfSeconds + exposureSeconds) / (options.priorFailures + weightedFailures)
    : options.mtbfSeconds;
  const intervalSeconds = checkpointSeconds === null ? null : (options.formula === 'young' ? youngInterval : dalyInterval)(checkpointSeconds, mtbfSeconds);
  let intervalSupersteps = state.intervalSupersteps;
  if (intervalSeconds !== null && superstepSeconds !== null) {
    // A superstep too fast to measure (0 s) means "as many as allowed".
    const supersteps = superstepSeconds > 0 ? Math.round(intervalSeconds / superstepSeconds) : Infinity;
    intervalSupersteps = Math.min(options.maxSupersteps, Math.max(options.minSupersteps, supersteps));
  }
  return Object.freeze({ options, checkpointSeconds, superstepSeconds, exposureSeconds, weightedFailures, failures, mtbfSeconds, intervalSeconds, intervalSupersteps });
}

function average(previous: number | null, measured: number, smoothing: number): number {
  return previous === null ? measured : previous + smoothing * (measured - previous);
}

function definedOnly(options: IntervalOptions): Partial<IntervalOptions> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<IntervalOptions>;
}
