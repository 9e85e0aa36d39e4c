/**
 * The initial-partition effort budget of the multilevel edge-cut partitioner (edgecut.ts
 * initialEffort): full effort where the coarsest graph is a small fraction of the input, less where
 * it stays dense, never less than the last step; and the reduced-effort path stays deterministic,
 * balanced and close in cut to the full effort on a dense fixture.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createHostSync, loadGraph } from '../../src/index.js';
import { initialEffort, partitionEdgeCut } from '../../src/partition/edgecut.js';
import { simpleCut, undirectedView } from '../../src/partition/multilevel/weighted.js';

const DATA = fileURLToPath(new URL('../fixtures/data/', import.meta.url));
const host = createHostSync();

describe('initialEffort', () => {
  it('keeps 4 runs × 4 cuts when the coarsest graph is a few percent of the input', () => {
    // road_ny at k = 16: 730 100 input entries, 14 760 in the coarsest graph
    expect(initialEffort(730_100, 14_760, 16)).toEqual({ runs: 4, cuts: 4 });
    expect(initialEffort(1000, 10, 2)).toEqual({ runs: 4, cuts: 4 });
  });

  it('spends less where the coarsest graph stays dense, down to 2 × 2 and no lower', () => {
    // 4 × 4 × 1 × 20 = 320 > 2 × 100, 4 × 2 × 20 = 160 fits
    expect(initialEffort(100, 20, 2)).toEqual({ runs: 4, cuts: 2 });
    // email_enron at k = 2: 367 662 input entries, 106 192 coarsest
    expect(initialEffort(367_662, 106_192, 2)).toEqual({ runs: 2, cuts: 2 });
    // the coarsest as large as the input, at k = 16: nothing fits, the last step is used
    expect(initialEffort(1000, 1000, 16)).toEqual({ runs: 2, cuts: 2 });
  });

  it('never grows as the coarsest graph grows or k grows', () => {
    let previous = Infinity;
    for (let coarsest = 0; coarsest <= 1000; coarsest += 25) {
      const { runs, cuts } = initialEffort(1000, coarsest, 8);
      expect(runs * cuts).toBeLessThanOrEqual(previous);
      previous = runs * cuts;
    }
    previous = Infinity;
    for (const k of [2, 4, 8, 16, 32, 64]) {
      const { runs, cuts } = initialEffort(1000, 40, k);
      expect(runs * cuts).toBeLessThanOrEqual(previous);
      previous = runs * cuts;
    }
  });
});

describe('multilevel edge-cut on a dense graph (reduced initial effort)', () => {
  it('is deterministic for a seed, balanced within 3%, and its cut close to the full effort', () => {
    // polblogs at k = 8 stops coarsening at about a third of its edges: the budget cuts the effort
    const graph = loadGraph(host, DATA + 'polblogs.el');
    const first = partitionEdgeCut(graph, 8, { seed: 5 });
    const second = partitionEdgeCut(graph, 8, { seed: 5 });
    expect(second.vertexOwner).toEqual(first.vertexOwner);
    expect(first.imbalance).toBeLessThanOrEqual(0.03 + 1e-9);
    // gpmetis -ufactor=30 -seed=1 cuts 8 719 edges of the simple graph at k = 8 (bench/results/partition.json)
    expect(simpleCut(undirectedView(graph), first.vertexOwner)).toBeLessThanOrEqual(1.1 * 8719);
  });
});
