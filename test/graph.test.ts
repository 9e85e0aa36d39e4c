import { describe, expect, it } from 'vitest';
import { runAlgorithm, OptionsError, buildGraph, createHostSync, InputError, WEIGHT_F64, WEIGHT_I32, WEIGHT_UNIT, DELAY_CONSTANT, DELAY_U8, ErrorCode } from '../src/index.js';

describe('buildGraph', () => {
  const host = createHostSync();

  it('builds CSR in stable input order and CSC in CSR order, keeping parallel arcs and self-loops', () => {
    // arcs given out of source order: 2->0, 0->1, 0->1 (parallel), 1->1 (self-loop), 0->2
    const g = buildGraph(host, { n: 3, src: [2, 0, 0, 1, 0], dst: [0, 1, 1, 1, 2], weights: [5, 1, 2, 3, 4] }, { keepInputOrder: true });
    expect(g.n).toBe(3);
    expect(g.m).toBe(5);
    expect([...g.outOffsets]).toEqual([0, 3, 4, 5]);
    expect([...g.outTargets]).toEqual([1, 1, 2, 1, 0]);
    expect([...g.outWeightsI32!]).toEqual([1, 2, 4, 3, 5]);
    expect(g.weightType).toBe(WEIGHT_I32);
    expect([...g.arcInputOrder!]).toEqual([1, 2, 4, 3, 0]);
    expect([...g.inOffsets]).toEqual([0, 1, 4, 5]);
    // in-arcs of 1 in CSR order: 0 (arc 0), 0 (arc 1), 1 (arc 3)
    expect([...g.inSources]).toEqual([2, 0, 0, 1, 0]);
    expect(g.describeArc(2)).toBe('arc 4 (0 -> 2)');
    // by default the input order of unsorted input is not kept: arcs are named by their ends
    const lean = buildGraph(host, { n: 3, src: [2, 0, 0, 1, 0], dst: [0, 1, 1, 1, 2], weights: [5, 1, 2, 3, 4] });
    expect(lean.arcInputOrder).toBeNull();
    expect([...lean.outWeightsI32!]).toEqual([1, 2, 4, 3, 5]);
    expect(lean.arcInputIndex(2)).toBe(-1);
    expect(lean.describeArc(2)).toBe('arc 0 -> 2');
  });

  it('chooses the narrowest exact weight and delay storage', () => {
    expect(buildGraph(host, { n: 2, src: [0], dst: [1] }).weightType).toBe(WEIGHT_UNIT);
    expect(buildGraph(host, { n: 2, src: [0], dst: [1], weights: [0.5] }).weightType).toBe(WEIGHT_F64);
    expect(buildGraph(host, { n: 2, src: [0], dst: [1], weights: [2 ** 31] }).weightType).toBe(WEIGHT_F64);
    const constant = buildGraph(host, { n: 2, src: [0, 1], dst: [1, 0], delays: [7, 7] });
    expect(constant.delayType).toBe(DELAY_CONSTANT);
    expect(constant.constantDelay).toBe(7);
    const varied = buildGraph(host, { n: 2, src: [0, 1], dst: [1, 0], delays: [7, 3] });
    expect(varied.delayType).toBe(DELAY_U8);
    expect([varied.delayOf(0), varied.delayOf(1)]).toEqual([7, 3]);
    expect(varied.arcInputOrder).toBeNull();
  });

  it('rejects ids out of range, non-finite weights and bad delays with typed errors', () => {
    const bad = [
      { n: 2, src: [0], dst: [2] },
      { n: 2, src: [-1], dst: [0] },
      { n: 2, src: [0], dst: [1], weights: [NaN] },
      { n: 2, src: [0], dst: [1], weights: [Infinity] },
      { n: 2, src: [0], dst: [1], delays: [0] },
      { n: 2, src: [0], dst: [1], delays: [1.5] },
    ];
    for (const input of bad) {
      const error = (() => {
        try {
          buildGraph(host, input);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).code).toBe(ErrorCode.INPUT_RANGE);
    }
  });

  it('handles the empty graph and isolated vertices', () => {
    const g = buildGraph(host, { n: 0, src: [], dst: [] });
    expect(g.m).toBe(0);
    const iso = buildGraph(host, { n: 4, src: [3], dst: [3] });
    expect([...iso.outOffsets]).toEqual([0, 0, 0, 0, 1]);
    expect([...iso.inOffsets]).toEqual([0, 0, 0, 0, 1]);
  });
});

describe('buildGraph without in-arcs', () => {
  const host = createHostSync();
  it('saves the CSC and says so clearly when a caller needs it', () => {
    const arcs = { n: 3, src: [0, 1, 2], dst: [1, 2, 0], weights: [3, -2, 5] };
    const full = buildGraph(host, arcs);
    const push = buildGraph(host, arcs, { inArcs: false });
    expect(push.hasInArcs).toBe(false);
    expect([...push.outTargets]).toEqual([...full.outTargets]);
    expect(push.memoryBytes().shared).toBe(full.memoryBytes().shared - 4 * (3 + 1) - 4 * 3);
    expect(() => push.inSources).toThrow(/in-arcs/);
  });

  it('runs push-only algorithms the same and refuses PageRank with a typed error', () => {
    const arcs = { n: 6, src: [0, 0, 1, 2, 3, 5], dst: [1, 2, 3, 3, 4, 0], weights: [1, 4, 2, 1, 7, 3] };
    const full = buildGraph(host, arcs);
    const push = buildGraph(host, arcs, { inArcs: false });
    for (const algorithm of ['bfs', 'sssp', 'wcc'] as const) {
      expect([...runAlgorithm(push, algorithm, {}).values]).toEqual([...runAlgorithm(full, algorithm, {}).values]);
    }
    expect(() => runAlgorithm(push, 'pagerank', {})).toThrow(OptionsError);
  });
});
