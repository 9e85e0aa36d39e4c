/**
 * Every real graph against a trusted implementation (issue 2, "Correctness that must hold").
 *
 * The references in test/fixtures/reference/ were written by scripts/reference.py: BFS, SSSP and
 * WCC by networkx 3.6 on a MultiDiGraph of the file's arcs, PageRank by an independent numpy power
 * iteration with DESIGN.md's convention. This test needs no Python: it loads each graph with our
 * loader, runs the four graph algorithms on one worker and requires BFS, SSSP and WCC to be
 * exactly equal and PageRank within 1e-12 per vertex. Where the data folder also has a Matrix
 * Market copy of a graph, that copy must give the same answers.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createHostSync } from '../../src/index.js';
import type { NeuromorphicGraph } from '../../src/input/graph.js';
import { loadGraph } from '../../src/input/load.js';
import { runAlgorithm } from '../../src/execute/single.js';

const DATA = new URL('../fixtures/data/', import.meta.url);
const REFERENCE = new URL('../fixtures/reference/', import.meta.url);
const PAGERANK_TOLERANCE = 1e-12;

interface Reference {
  graph: string;
  file: string;
  sha256: string;
  n: number;
  m: number;
  source: number;
  pagerankIterations: number;
  pagerankConverged: boolean;
  bfs: number[];
  sssp: number[];
  wcc: number[];
  pagerank: number[];
}

function readReference(file: string): Reference {
  return JSON.parse(gunzipSync(readFileSync(new URL(file, REFERENCE))).toString('utf8')) as Reference;
}

/** Values by input id: loaders may remap sparse ids, and results come by internal id. */
function byInputId(graph: NeuromorphicGraph, values: ArrayLike<number>, mapValues = false): Float64Array {
  const out = new Float64Array(graph.n);
  for (let v = 0; v < graph.n; v++) {
    const value = values[v]!;
    out[graph.toInputId(v)] = mapValues && value >= 0 ? graph.toInputId(value) : value;
  }
  return out;
}

/** Vertices whose value differs, the first few with both values, for a readable failure. */
function mismatches(actual: ArrayLike<number>, expected: ArrayLike<number>, limit = 8): { count: number; first: string[] } {
  let count = 0;
  const first: string[] = [];
  for (let v = 0; v < expected.length; v++) {
    if (!Object.is(actual[v], expected[v]) && actual[v] !== expected[v]) {
      count++;
      if (first.length < limit) first.push(`vertex ${v}: got ${actual[v]}, expected ${expected[v]}`);
    }
  }
  return { count, first };
}

const references = readdirSync(REFERENCE)
  .filter((name) => name.endsWith('.json.gz'))
  .sort();
/** max |ours - reference| of PageRank per input file, printed at the end */
const pagerankReport: { file: string; n: number; iterations: string; maxDifference: number }[] = [];

describe('networkx cross-check on every real graph', () => {
  const host = createHostSync({ initialBytes: 64 * 1024 * 1024 });

  it('has a reference for every edge list in the data folder, made from the same bytes', () => {
    const graphs = readdirSync(DATA).filter((name) => /\.el(\.gz)?$/.test(name));
    expect(graphs.length).toBeGreaterThanOrEqual(13);
    expect(references.map((name) => name.replace('.json.gz', '')).sort()).toEqual(graphs.map((name) => name.split('.')[0]!).sort());
    for (const name of references) {
      const reference = readReference(name);
      let bytes = readFileSync(new URL(reference.file, DATA));
      if (reference.file.endsWith('.gz')) bytes = gunzipSync(bytes);
      // A changed data file with a stale reference would compare against the wrong answers.
      expect(createHash('sha256').update(bytes).digest('hex'), `${reference.file} changed: rerun scripts/reference.py`).toBe(reference.sha256);
    }
  });

  for (const name of references) {
    const reference = readReference(name);
    const files = [reference.file];
    for (const copy of [`${reference.graph}.mtx`, `${reference.graph}.mtx.gz`]) {
      if (existsSync(new URL(copy, DATA))) files.push(copy);
    }
    for (const file of files) {
      it(`${file}: BFS, SSSP, WCC exactly and PageRank within 1e-12 (n = ${reference.n}, m = ${reference.m})`, async () => {
        const mark = host.arena.mark();
        try {
          const path = new URL(file, DATA).pathname;
          const graph = await loadGraph(host, path, {});
          expect(graph.n).toBe(reference.n);
          expect(graph.m).toBe(reference.m);
          const source = reference.source;

          const bfs = await runAlgorithm(graph, 'bfs', { source });
          expect(mismatches(byInputId(graph, bfs.values), reference.bfs), 'bfs levels').toEqual({ count: 0, first: [] });

          const sssp = await runAlgorithm(graph, 'sssp', { source });
          expect(mismatches(byInputId(graph, sssp.values), reference.sssp), 'sssp distances').toEqual({ count: 0, first: [] });

          const wcc = await runAlgorithm(graph, 'wcc', {});
          expect(mismatches(byInputId(graph, wcc.values, true), reference.wcc), 'wcc labels').toEqual({ count: 0, first: [] });

          const pagerank = await runAlgorithm(graph, 'pagerank', {});
          const scores = byInputId(graph, pagerank.values);
          let maxDifference = 0;
          let worst = -1;
          for (let v = 0; v < reference.n; v++) {
            const difference = Math.abs(scores[v]! - reference.pagerank[v]!);
            // `!(d <= max)` also catches NaN, which a plain `>` comparison would let through.
            if (!(difference <= maxDifference)) {
              maxDifference = difference;
              worst = v;
            }
          }
          pagerankReport.push({ file, n: reference.n, iterations: `${pagerank.supersteps}/${reference.pagerankIterations}`, maxDifference });
          expect(maxDifference, `pagerank, worst at vertex ${worst}`).toBeLessThanOrEqual(PAGERANK_TOLERANCE);
          // The stopping rule must match too: where the reference converged early, so must we
          // (give or take the one iteration a last-bit difference in the L1 change could move).
          expect(Math.abs(pagerank.supersteps - reference.pagerankIterations)).toBeLessThanOrEqual(1);
          if (reference.pagerankIterations < 99) expect(pagerank.converged).toBe(true);
        } finally {
          host.arena.release(mark);
        }
      }, 60_000);
    }
  }

  afterAll(() => {
    if (pagerankReport.length === 0) return;
    const overall = Math.max(...pagerankReport.map((row) => row.maxDifference));
    console.info(
      `PageRank max |ours - reference| per vertex (iterations ours/reference):\n` +
        pagerankReport.map((row) => `  ${row.file.padEnd(24)} n=${String(row.n).padStart(7)}  it=${row.iterations.padEnd(7)}  ${row.maxDifference.toExponential(2)}`).join('\n') +
        `\n  overall max ${overall.toExponential(2)}`,
    );
  });
});
