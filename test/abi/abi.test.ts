/**
 * The ABI from a foreign host's side: build/neuromesh.wasm loaded by a plain Node script with bare
 * WebAssembly (no loader, no TypeScript of ours), against values computed by hand.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface BareRun {
  imports: Array<{ module: string; name: string; kind: string }>;
  exportNames: string[];
  bfsLevels: number[];
  frontierSizes: number[];
  pagerank: number[];
  pagerankSplit: number[];
  splitOutOfRange: number;
  splitChange: number;
  danglingCount: number;
  danglingMass: number;
  arcsRead: number;
  change: number;
  components: number;
  labels: number[];
}

function runBare(): BareRun {
  const script = fileURLToPath(new URL('./bare.mjs', import.meta.url));
  const child = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
  if (child.status !== 0) throw new Error(`bare.mjs failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout) as BareRun;
}

describe('ABI from bare WebAssembly', () => {
  const run = runBare();

  it('imports only env.memory; every export is a function but the memory it re-exports', () => {
    expect(run.imports).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    for (const name of ['heap_base', 'exactsum_bytes', 'pagerank_scatter', 'pagerank_pull', 'bfs_top_down', 'bfs_bottom_up', 'sssp_round', 'sssp_finalize', 'wcc_init', 'wcc_union', 'wcc_finalize', 'pagerank_partial', 'pagerank_apply', 'fixedsum_row_bytes', 'fixedsum_add_rows', 'fixedsum_gather_rows', 'fixedsum_round']) {
      expect(run.exportNames).toContain(`function:${name}`);
    }
    expect(run.exportNames.filter((e) => !e.startsWith('function:'))).toEqual(['memory:memory']);
  });

  it('BFS levels of the hand-laid graph (0->1, 0->2, 1->2, 2->0, 3->2) from 0', () => {
    expect(run.bfsLevels).toEqual([0, 1, 1, -1]);
    expect(run.frontierSizes).toEqual([2, 0]);
  });

  it('one PageRank iteration equals the hand computation', () => {
    // x = 1/4; contrib = [1/8, 1/4, 1/4, 1/4]; no dangling vertex
    // x0' = .85 * 1/4 + .0375 = .25;  x1' = .85 * 1/8 + .0375 = .14375
    // x2' = .85 * (1/8 + 1/4 + 1/4) + .0375 = .56875;  x3' = .0375
    const expected = [0.25, 0.14375, 0.56875, 0.0375];
    run.pagerank.forEach((value, v) => expect(value).toBeCloseTo(expected[v]!, 15));
    expect(run.danglingCount).toBe(0);
    expect(run.danglingMass).toBe(0);
    expect(run.arcsRead).toBe(5);
    // L1 change: 0 + .10625 + .31875 + .2125
    expect(run.change).toBeCloseTo(0.6375, 15);
  });

  it('the same iteration with vertex 2\'s in-arcs split over two parts gives the same bits', () => {
    expect(run.pagerankSplit).toEqual(run.pagerank);
    expect(run.splitOutOfRange).toBe(0);
    expect(run.splitChange).toBe(run.change);
  });

  it('WCC joins everything into component 0', () => {
    expect(run.components).toBe(1);
    expect(run.labels).toEqual([0, 0, 0, 0]);
  });
});
