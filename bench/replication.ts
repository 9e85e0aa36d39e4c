/**
 * Stage: vertex-cut and hybrid replication against random hashing and the 2D grid (issue 3,
 * "Quality and speed"), one core.
 *
 * On the heavy-tailed graphs (facebook, email_enron, pgp_strong from test/fixtures/data, and a
 * seeded R-MAT scale 18) at k = 8 and 16: the replication factor (DESIGN.md: Σ copies / n) of
 * random hashing of arcs, the 2D grid, HDRF as the facade runs it by default (random stream, one
 * pass), HDRF with each other stream order / pass count of VARIANTS (the best one is reported as
 * "HDRF best": the one setting whose worst reduction is highest), NE (arcs balanced), NE with
 * the vertex load of PageRank's load model followed by the load balancer (what the facade runs for
 * PageRank: arcs + vertexCost / arcCost per master, 15 since the model's refit, was 0.3; balance.ts) and NE
 * with vertexLoad 1 (arcs + masters balanced), and the
 * PowerLyra hybrid (default threshold). For each: % lower than random = 1 − RF / RF_random (the
 * issue compares the factors themselves; 1 − (RF − 1) / (RF_random − 1), the same on mirrors only, is
 * saved too), and the hybrid's against the grid, 1 − RF_hybrid / RF_grid; arc imbalance and arcs +
 * masters imbalance (max / mean − 1), and
 * the partitioner's time (one call; the stage must fit in ~2 minutes on 2 cores).
 *
 * Goals: vertex-cut ≥ 60% lower than random; hybrid ≥ 35% lower than the grid.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHostSync } from '../src/index.js';
import { loadGraph } from '../src/input/load.js';
import { buildGraph } from '../src/input/graph.js';
import { generateRmat } from '../src/generate/rmat.js';
import { balanceLoad, loadModelFor } from '../src/partition/balance.js';
import { partitionHybrid } from '../src/partition/hybrid.js';
import { arcLoads, imbalance, replicationFactor, vertexLoads } from '../src/partition/metrics.js';
import type { ArcTopology, PartitionAssignment } from '../src/partition/plan.js';
import { hdrfVertexCut, neVertexCut, vertexCut, type HdrfOrder } from '../src/partition/vertexcut.js';
import { log, save, type StageOptions, type StageResult } from './common.js';

const DATA = fileURLToPath(new URL('../test/fixtures/data/', import.meta.url));
const GRAPHS = ['facebook.el.gz', 'email_enron.el.gz', 'pgp_strong.el.gz'];
const QUICK_GRAPHS = ['email_eu_core.el'];
const RMAT_SCALE = 18;
const QUICK_RMAT_SCALE = 12;
const PARTS = [8, 16];
const SEED = 1;
/** NE's vertex load as the facade runs it for PageRank: its load model's vertex cost in arcs */
const pagerankModel = loadModelFor('pagerank') as { vertexCost: number; arcCost: number };
const pagerankVertexLoad = pagerankModel.vertexCost / pagerankModel.arcCost;
/** HDRF settings tried besides the default (random order, one pass). */
// (random order, 2 passes was measured too: ≤ 1% lower replication than one pass at 3-4 times the time)
const VARIANTS: { order: HdrfOrder; passes: number }[] = [
  { order: 'bfs', passes: 1 },
  { order: 'bfs', passes: 2 },
];

interface Scored {
  method: string;
  replicationFactor: number;
  /** 1 − RF / RF_random */
  lowerThanRandom: number;
  /** 1 − (RF − 1) / (RF_random − 1): the same on mirrors only */
  mirrorsLowerThanRandom: number;
  arcImbalance: number;
  /** arcs + masters per part, max / mean − 1 */
  arcVertexImbalance: number;
  /** imbalance of what the method balances: arcs, or for NE with vertexLoad x, arcs + x per master */
  ownImbalance: number;
  ms: number;
}

function score(method: string, graph: ArcTopology, run: () => PartitionAssignment, vertexLoad = 0): Omit<Scored, 'lowerThanRandom' | 'mirrorsLowerThanRandom'> {
  const started = performance.now();
  const assignment = run();
  const ms = performance.now() - started;
  const arcs = arcLoads(assignment, graph);
  const vertices = vertexLoads(assignment);
  const both = arcs.map((value, p) => value + vertices[p]!);
  const own = arcs.map((value, p) => value + vertexLoad * vertices[p]!);
  return { method, replicationFactor: replicationFactor(assignment, graph), arcImbalance: imbalance(arcs), arcVertexImbalance: imbalance(both), ownImbalance: imbalance(own), ms };
}

export async function run(options: StageOptions): Promise<StageResult> {
  const host = createHostSync({ initialBytes: 256 << 20 });
  const inputs: { name: string; graph: ArcTopology }[] = [];
  for (const name of options.quick ? QUICK_GRAPHS : GRAPHS) inputs.push({ name, graph: loadGraph(host, path.join(DATA, name)) });
  const scale = options.quick ? QUICK_RMAT_SCALE : RMAT_SCALE;
  inputs.push({ name: `rmat${scale}`, graph: buildGraph(host, generateRmat({ scale, edgeFactor: 16, seed: SEED }), { trusted: true }) });

  const rows: Record<string, unknown>[] = [];
  // worst (smallest) reduction over graphs and k, per method
  const worst = new Map<string, number>();
  const worstOf = (key: string, value: number): void => {
    worst.set(key, Math.min(worst.get(key) ?? Infinity, value));
  };
  let worstHybridVsGrid = Infinity;
  let worstBalance = 0;
  const started = performance.now();
  for (const { name, graph } of inputs) {
    for (const k of PARTS) {
      const raw = [
        score('random', graph, () => vertexCut(graph, 'random', { k, seed: SEED })),
        score('grid', graph, () => vertexCut(graph, 'grid', { k, seed: SEED })),
        score('hdrf', graph, () => hdrfVertexCut(graph, { k, seed: SEED })),
      ];
      const variants = VARIANTS.map((variant) =>
        score(`hdrf ${variant.order} ×${variant.passes}`, graph, () => hdrfVertexCut(graph, { k, seed: SEED, ...variant })),
      );
      raw.push(...variants);
      raw.push(
        score('ne', graph, () => neVertexCut(graph, { k, seed: SEED })),
        // as the facade runs it: NE with the model's vertex load, then the load balancer (NE alone
        // leaves up to ~20% imbalance when a vertex weighs 15 arcs)
        score('ne pagerank model', graph, () => balanceLoad(graph, neVertexCut(graph, { k, seed: SEED, vertexLoad: pagerankVertexLoad }), { model: pagerankModel, imbalance: 0.03 }), pagerankVertexLoad),
        score('ne vertexLoad 1', graph, () => neVertexCut(graph, { k, seed: SEED, vertexLoad: 1 }), 1),
        score('hybrid', graph, () => partitionHybrid(graph, k, { seed: SEED })),
      );
      const random = raw[0]!.replicationFactor;
      const scored: Scored[] = raw.map((entry) => ({
        ...entry,
        lowerThanRandom: 1 - entry.replicationFactor / random,
        mirrorsLowerThanRandom: random > 1 ? 1 - (entry.replicationFactor - 1) / (random - 1) : 0,
      }));
      const byMethod = new Map(scored.map((entry) => [entry.method, entry]));
      const grid = byMethod.get('grid')!.replicationFactor;
      const hybrid = byMethod.get('hybrid')!;
      const hybridVsGrid = 1 - hybrid.replicationFactor / grid;
      worstHybridVsGrid = Math.min(worstHybridVsGrid, hybridVsGrid);
      for (const entry of scored) {
        if (entry.method !== 'random') worstOf(entry.method, entry.lowerThanRandom);
        // each method against what it balances: NE with vertexLoad 1 evens arcs + masters, the rest arcs (random hashing balances nothing)
        if (entry.method !== 'random') worstBalance = Math.max(worstBalance, entry.ownImbalance);
      }
      rows.push({ graph: name, n: graph.n, m: graph.m, k, methods: scored, hybridVsGrid });
      log(`replication ${name.padEnd(18)} k=${String(k).padStart(2)}: ` + scored.map((entry) => `${entry.method} ${entry.replicationFactor.toFixed(2)} (${(entry.lowerThanRandom * 100).toFixed(0)}%, arcs ±${(entry.arcImbalance * 100).toFixed(1)}%, ${entry.ms.toFixed(0)} ms)`).join('  ') + `  hybrid vs grid ${(hybridVsGrid * 100).toFixed(0)}%`);
    }
  }
  // the best fixed HDRF setting: the one (default included) whose worst reduction is highest
  const hdrfSettings = [...worst.keys()].filter((method) => method.startsWith('hdrf'));
  const bestHdrf = hdrfSettings.reduce((best, method) => (worst.get(method)! > worst.get(best)! ? method : best));
  const worstReductions = Object.fromEntries(worst);
  const seconds = (performance.now() - started) / 1000;
  save('replication', options, { seed: SEED, parts: PARTS, variants: VARIANTS, rows, worstReductions, bestHdrf, worstHybridVsGrid, worstBalance, seconds });
  const goal = 0.6;
  const headlines: StageResult['headlines'] = [];
  for (const method of ['hdrf', ...(bestHdrf !== 'hdrf' ? [bestHdrf] : []), 'ne', 'ne pagerank model', 'ne vertexLoad 1']) {
    const value = worst.get(method)!;
    const label = method === bestHdrf && method !== 'hdrf' ? `${method} (best HDRF setting)` : method;
    headlines.push({ label: `Vertex-cut ${label}: replication lower than random, worst`, value, unit: '×', goal: '≥ 0.60', met: value >= goal });
  }
  headlines.push(
    { label: 'Hybrid: replication lower than the 2D grid, worst', value: worstHybridVsGrid, unit: '×', goal: '≥ 0.35', met: worstHybridVsGrid >= 0.35 },
    { label: 'Vertex-cut / hybrid worst imbalance of what each balances', value: worstBalance, unit: '×', goal: '≤ 0.03', met: worstBalance <= 0.03 + 1e-9 },
  );
  return { stage: 'replication', headlines };
}
