/**
 * Checkpoint interval (src/protect/interval.ts; issue 6 item 2): Young's and Daly's formulas
 * against values computed by hand, the MTBF estimate against hand-computed cases, and
 * adjustCheckpointInterval's promises: pure, shorter with every failure, longer (never shorter)
 * while failures stop, in supersteps from the measured superstep time.
 */
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors.js';
import { adjustCheckpointInterval, createIntervalState, dalyInterval, youngInterval, type IntervalState } from '../../src/protect/interval.js';

describe('Young and Daly', () => {
  it('Young: sqrt(2 C M)', () => {
    // C = 10 s, M = 1000 s: sqrt(20000) = 141.4213562...
    expect(youngInterval(10, 1000)).toBeCloseTo(141.4213562373095, 10);
    // C = 30 s, M = 1 h: sqrt(216000) = 464.7580015...
    expect(youngInterval(30, 3600)).toBeCloseTo(464.75800154489, 9);
  });

  it("Daly's higher-order estimate", () => {
    // C = 10, M = 1000: r = C / 2M = 0.005, sqrt(r) / 3 = 0.02357023, r / 9 = 0.00055556,
    // 141.42135624 × 1.02412578 - 10 = 134.83325699.
    expect(dalyInterval(10, 1000)).toBeCloseTo(134.8332569907747, 9);
    // C = 30, M = 3600: r = 1/240, 464.75800154 × (1 + 0.02151657 + 0.00046296) - 30 = 444.97316729.
    expect(dalyInterval(30, 3600)).toBeCloseTo(444.9731672863459, 9);
    // C >= 2M: checkpoint every M.
    expect(dalyInterval(200, 100)).toBe(100);
    expect(dalyInterval(200, 100.0001)).toBeGreaterThan(0);
    // For C << M, Daly tends to Young - C.
    expect(dalyInterval(1e-3, 1e6) - (youngInterval(1e-3, 1e6) - 1e-3)).toBeLessThan(1e-3);
  });
});

/** Feed events through the pure function and keep every state. */
function run(state: IntervalState, events: Parameters<typeof adjustCheckpointInterval>[1][]): IntervalState[] {
  const states = [state];
  for (const event of events) states.push(adjustCheckpointInterval(states[states.length - 1]!, event));
  return states;
}

describe('adjustCheckpointInterval', () => {
  it('is pure: the given state is frozen and unchanged, equal inputs give equal outputs', () => {
    const start = createIntervalState({ mtbfSeconds: 1000 });
    const snapshot = JSON.stringify(start);
    const a = adjustCheckpointInterval(start, { kind: 'checkpoint', seconds: 2 });
    const b = adjustCheckpointInterval(start, { kind: 'checkpoint', seconds: 2 });
    expect(JSON.stringify(start)).toBe(snapshot);
    expect(Object.isFrozen(start)).toBe(true);
    expect(a).toEqual(b);
    expect(a).not.toBe(start);
  });

  it('before C and the superstep time are measured the interval is the initial one; then T / superstep time', () => {
    const states = run(createIntervalState({ mtbfSeconds: 10_000, formula: 'young', initialSupersteps: 3, halfLifeSeconds: Infinity }), [
      { kind: 'superstep', seconds: 0.5 },
      { kind: 'checkpoint', seconds: 2 },
    ]);
    expect(states[0]!.intervalSupersteps).toBe(3);
    expect(states[1]!.intervalSupersteps).toBe(3); // C not measured yet
    expect(states[1]!.intervalSeconds).toBeNull();
    // M = (10000 + 0.5) / 1 after 0.5 s of exposure (then 2 s more during the checkpoint);
    // T = sqrt(2 × 2 × 10002.5) = 200.025 s; / 0.5 s = 400.05 -> 400 supersteps.
    expect(states[2]!.mtbfSeconds).toBeCloseTo(10_002.5, 9);
    expect(states[2]!.intervalSeconds).toBeCloseTo(Math.sqrt(4 * 10_002.5), 9);
    expect(states[2]!.intervalSupersteps).toBe(400);
  });

  it('measurements are smoothed: C = 2 then 4 with smoothing 0.5 gives 3', () => {
    const states = run(createIntervalState({ smoothing: 0.5 }), [
      { kind: 'checkpoint', seconds: 2 },
      { kind: 'checkpoint', seconds: 4 },
    ]);
    expect(states[2]!.checkpointSeconds).toBe(3);
  });

  it('the MTBF estimate: (prior × M0 + exposure) / (prior + failures), by hand', () => {
    // No forgetting: M0 = 1000 s worth 1 failure; 500 s failure-free, then a failure:
    // (1000 + 500) / (1 + 1) = 750; another 250 s: (1000 + 750) / 2 = 875; a failure: 1750 / 3.
    const states = run(createIntervalState({ mtbfSeconds: 1000, halfLifeSeconds: Infinity }), [
      { kind: 'elapsed', seconds: 500 },
      { kind: 'failure' },
      { kind: 'superstep', seconds: 250 },
      { kind: 'failure' },
    ]);
    expect(states.map((state) => state.mtbfSeconds)).toEqual([1000, 1500, 750, 875, 1750 / 3]);
    expect(states[4]!.failures).toBe(2);
    // With a half-life H: after H seconds a failure counts 1/2 and exposure is (H / ln 2) / 2.
    const H = 3600;
    const faded = run(createIntervalState({ mtbfSeconds: 1000, halfLifeSeconds: H }), [{ kind: 'failure' }, { kind: 'elapsed', seconds: H }]);
    expect(faded[2]!.weightedFailures).toBeCloseTo(0.5, 12);
    expect(faded[2]!.exposureSeconds).toBeCloseTo(H / Math.LN2 / 2, 6);
    expect(faded[2]!.mtbfSeconds).toBeCloseTo((1000 + H / Math.LN2 / 2) / 1.5, 6);
    // A fixed MTBF ignores failures.
    expect(run(createIntervalState({ mtbfSeconds: 1000, estimateMtbf: false }), [{ kind: 'failure' }])[1]!.mtbfSeconds).toBe(1000);
  });

  /** A state with C and the superstep time measured, so that the interval is in force. */
  function measured(halfLifeSeconds: number): IntervalState {
    return run(createIntervalState({ mtbfSeconds: 3600, halfLifeSeconds }), [
      { kind: 'superstep', seconds: 0.01 },
      { kind: 'checkpoint', seconds: 0.5 },
    ])[2]!;
  }

  for (const halfLifeSeconds of [Infinity, 600]) {
    it(`monotone (half-life ${halfLifeSeconds} s): every failure shortens it, failure-free supersteps lengthen it`, () => {
      const failing = run(measured(halfLifeSeconds), Array.from({ length: 30 }, () => ({ kind: 'failure' as const })));
      for (let i = 1; i < failing.length; i++) {
        expect(failing[i]!.mtbfSeconds).toBeLessThan(failing[i - 1]!.mtbfSeconds);
        expect(failing[i]!.intervalSeconds!).toBeLessThan(failing[i - 1]!.intervalSeconds!);
        expect(failing[i]!.intervalSupersteps).toBeLessThanOrEqual(failing[i - 1]!.intervalSupersteps);
      }
      const shortest = failing[failing.length - 1]!;
      expect(shortest.intervalSupersteps).toBeLessThan(failing[0]!.intervalSupersteps / 3);
      // Failures stop: 20,000 supersteps of 10 ms (200 s), then long idle stretches.
      const calm = run(shortest, [
        ...Array.from({ length: 20_000 }, () => ({ kind: 'superstep' as const, seconds: 0.01 })),
        ...Array.from({ length: 50 }, () => ({ kind: 'elapsed' as const, seconds: 600 })),
      ]);
      // Plain comparisons in the loop (20,000 expect calls would take seconds); the steps that shrank, if any.
      const shrank = calm.flatMap((state, i) => (i > 0 && (state.mtbfSeconds < calm[i - 1]!.mtbfSeconds || state.intervalSupersteps < calm[i - 1]!.intervalSupersteps) ? [i] : []));
      expect(shrank).toEqual([]);
      expect(calm[20_000]!.mtbfSeconds).toBeGreaterThan(shortest.mtbfSeconds);
      expect(calm[calm.length - 1]!.intervalSupersteps).toBeGreaterThan(shortest.intervalSupersteps * 2);
    });
  }

  it('clamps to [minSupersteps, maxSupersteps]; a 0 s superstep means as many as allowed', () => {
    const bounded = run(createIntervalState({ minSupersteps: 5, maxSupersteps: 50 }), [
      { kind: 'superstep', seconds: 0 },
      { kind: 'checkpoint', seconds: 1 },
    ]);
    expect(bounded[2]!.intervalSupersteps).toBe(50);
    const tiny = run(createIntervalState({ minSupersteps: 5 }), [
      { kind: 'superstep', seconds: 10 },
      { kind: 'checkpoint', seconds: 0 },
    ]);
    expect(tiny[2]!.intervalSupersteps).toBe(5);
  });

  it('bad options and bad measurements are OptionsErrors naming the option', () => {
    const option = (run_: () => unknown): string => {
      try {
        run_();
      } catch (error) {
        expect(error).toBeInstanceOf(OptionsError);
        return (error as OptionsError).option;
      }
      return 'nothing thrown';
    };
    expect(option(() => createIntervalState({ mtbfSeconds: 0 }))).toBe('mtbfSeconds');
    expect(option(() => createIntervalState({ smoothing: 1.5 }))).toBe('smoothing');
    expect(option(() => createIntervalState({ formula: 'gauss' as 'daly' }))).toBe('formula');
    expect(option(() => createIntervalState({ minSupersteps: 9, maxSupersteps: 3 }))).toBe('minSupersteps');
    expect(option(() => createIntervalState({ initialSupersteps: 1.5 }))).toBe('initialSupersteps');
    expect(option(() => adjustCheckpointInterval(createIntervalState(), { kind: 'superstep', seconds: -1 }))).toBe('superstep event seconds');
    expect(option(() => adjustCheckpointInterval(createIntervalState(), { kind: 'checkpoint', seconds: Number.NaN }))).toBe('checkpoint event seconds');
  });
});
