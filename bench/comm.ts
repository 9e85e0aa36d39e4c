/**
 * Stage `comm` (issue 5): bytes and messages per superstep of naive messaging, uncombined batches
 * and the optimized exchange, with the optimizer's prediction beside them, for PageRank, BFS, WCC
 * and LIF over real graphs and R-MAT, k = 4, 8, 16.
 *
 *   npm run bench -- comm [--quick]      -> bench/results/comm.json (comm.quick.json)
 *
 * Then one or two graphs run on each transport in turn ('shared', 'frames', 'ports'), for their
 * wall times (medians of interleaved rounds, with the load average: timings are not load-free).
 *
 * Every row uses `transport: 'frames'` in optimized mode: each batch is encoded as its NMF1 frame
 * with codecs chosen per batch (CompressionManager) and decoded by the receiver, so "optimized"
 * is the bytes of the frames that crossed (a wire's bytes); "naive" (one message per cut arc,
 * 16-byte header + two ids + value) and "batched" (one uncompressed frame of uncombined entries per
 * destination) are COUNTED on the same run's batches (src/exchange/accounting.ts). The prediction
 * is `optimizeWorkerCommunication` on the run's placement before it runs. Every run's values are
 * checked against the single-worker driver. Byte and message counts do not depend on the load of
 * the machine; the latency model's error (encode/decode time per frame) does.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHostSync, DistributedProcessingSystem } from '../src/index.js';
import { buildGraph, type NeuromorphicGraph } from '../src/input/graph.js';
import { loadGraph } from '../src/input/load.js';
import { generateRmat } from '../src/generate/rmat.js';
import { generateBrunel } from '../src/generate/brunel.js';
import { runAlgorithm } from '../src/execute/single.js';
import type { AlgorithmName, AlgorithmOptions } from '../src/execute/types.js';
import { TRANSPORTS, type Transport } from '../src/exchange/topology.js';
import { log, save, type Headline, type StageOptions, type StageResult } from './common.js';

const SEED = 20261128;
const DATA = fileURLToPath(new URL('../test/fixtures/data/', import.meta.url));

interface Case {
  graph: string;
  algorithms: AlgorithmName[];
  build: (host: ReturnType<typeof createHostSync>) => NeuromorphicGraph;
}

export interface CommRow {
  graph: string;
  n: number;
  m: number;
  algorithm: AlgorithmName;
  k: number;
  strategy: string;
  supersteps: number;
  identical: boolean;
  perSuperstep: { naive: { bytes: number; messages: number }; batched: { bytes: number; messages: number }; optimized: { bytes: number; messages: number }; mailbox: { bytes: number; messages: number } };
  /** the same run's batches as shared-memory mailbox bytes: saved vs naive */
  mailboxSavings: number;
  /** fractions saved by the optimized exchange */
  savings: { naiveBytes: number; naiveMessages: number; batchedBytes: number };
  predicted: { naiveBytes: number; batchedBytes: number; latencyReduction: number };
  /** |predicted − measured| / measured of the byte savings vs naive */
  predictionError: number;
  bitsPerId: number | null;
  ids: number;
  latencyModelError: number | null;
  wallMs: number;
}

function options(algorithm: AlgorithmName, quick: boolean): AlgorithmOptions {
  switch (algorithm) {
    case 'pagerank':
      return { iterations: quick ? 5 : 20, tolerance: 0 };
    case 'lif':
      return { steps: quick ? 100 : 500, seed: SEED };
    default:
      return { source: 0 };
  }
}

export async function run(stage: StageOptions): Promise<StageResult> {
  const quick = stage.quick;
  const host = createHostSync({ initialBytes: 256 << 20 });
  const system = new DistributedProcessingSystem({ minimumThreads: 2 });
  const ks = quick ? [4] : [4, 8, 16];
  const load = (file: string) => (h: ReturnType<typeof createHostSync>) => loadGraph(h, path.join(DATA, file));
  const graphAlgorithms: AlgorithmName[] = ['pagerank', 'bfs', 'wcc'];
  const cases: Case[] = quick
    ? [
        { graph: 'celegans_herm_chem', algorithms: graphAlgorithms, build: load('celegans_herm_chem.el') },
        { graph: 'R-MAT 10', algorithms: graphAlgorithms, build: (h) => buildGraph(h, generateRmat({ scale: 10, edgeFactor: 16, seed: SEED }), { trusted: true }) },
        { graph: 'Brunel 0.05', algorithms: ['lif'], build: (h) => buildGraph(h, generateBrunel({ scale: 0.05, seed: SEED }), { trusted: true, inArcs: false }) },
      ]
    : [
        { graph: 'celegans_herm_chem', algorithms: graphAlgorithms, build: load('celegans_herm_chem.el') },
        { graph: 'facebook', algorithms: graphAlgorithms, build: load('facebook.el.gz') },
        { graph: 'email_enron', algorithms: graphAlgorithms, build: load('email_enron.el.gz') },
        { graph: 'road_ny', algorithms: ['pagerank', 'bfs'], build: load('road_ny.el.gz') },
        { graph: 'R-MAT 16', algorithms: graphAlgorithms, build: (h) => buildGraph(h, generateRmat({ scale: 16, edgeFactor: 16, seed: SEED }), { trusted: true }) },
        { graph: 'Brunel 0.2', algorithms: ['lif'], build: (h) => buildGraph(h, generateBrunel({ scale: 0.2, seed: SEED }), { trusted: true, inArcs: false }) },
      ];
  const rows: CommRow[] = [];
  const transports: TransportTiming[] = [];
  const hostRows: HostCombining[] = [];
  const started = performance.now();
  try {
    for (const item of cases) {
      const mark = host.arena.mark();
      const graph = item.build(host);
      log(`comm: ${item.graph} (n = ${graph.n}, m = ${graph.m})`);
      for (const algorithm of item.algorithms) {
        const runOptions = options(algorithm, quick);
        const single = runAlgorithm(graph, algorithm, runOptions);
        const reference = Buffer.from(single.values.buffer, single.values.byteOffset, single.values.byteLength);
        for (const k of ks) {
          const partition = system.partitionGraph(graph, algorithm, k, { seed: SEED });
          const result = await system.executeDistributedAlgorithm(graph, partition, { ...runOptions, transport: 'frames', communication: 'optimized' });
          const stats = result.stats.communication!;
          const steps = Math.max(1, result.stats.supersteps);
          const per = (counts: { bytes: number; messages: number }) => ({ bytes: counts.bytes / steps, messages: counts.messages / steps });
          const row: CommRow = {
            graph: item.graph,
            n: graph.n,
            m: graph.m,
            algorithm,
            k,
            strategy: result.strategy,
            supersteps: result.stats.supersteps,
            identical: Buffer.from(result.values.buffer, result.values.byteOffset, result.values.byteLength).equals(reference),
            perSuperstep: { naive: per(stats.totals.naive), batched: per(stats.totals.batched), optimized: per(stats.totals.routed), mailbox: per(stats.totals.mailbox) },
            mailboxSavings: stats.totals.naive.bytes > 0 ? 1 - stats.totals.mailbox.bytes / stats.totals.naive.bytes : 0,
            savings: { naiveBytes: stats.measured.bandwidthSavings, naiveMessages: stats.measured.messageSavings, batchedBytes: stats.measured.batchedSavings },
            predicted: { naiveBytes: stats.expected.expectedBandwidthSavings, batchedBytes: stats.expected.expectedBatchedSavings, latencyReduction: stats.expected.expectedLatencyReduction },
            predictionError: stats.savingsPredictionError,
            bitsPerId: stats.bitsPerId,
            ids: result.stats.perSuperstep.reduce((sum, workers) => sum + workers.reduce((s, w) => s + (w.communication?.ids ?? 0), 0), 0),
            latencyModelError: stats.latencyPrediction?.meanRelativeError ?? null,
            wallMs: result.stats.wallMs,
          };
          rows.push(row);
          log(
            `  ${algorithm.padEnd(8)} k=${String(k).padStart(2)} ${row.strategy.padEnd(10)} ${String(row.supersteps).padStart(4)} steps  B/step naive ${fmt(row.perSuperstep.naive.bytes)} batched ${fmt(row.perSuperstep.batched.bytes)} optimized ${fmt(row.perSuperstep.optimized.bytes)}  saved ${pct(row.savings.naiveBytes)} (predicted ${pct(row.predicted.naiveBytes)}) msgs ${pct(row.savings.naiveMessages)} vs batched ${pct(row.savings.batchedBytes)}  bits/id ${row.bitsPerId?.toFixed(1) ?? '-'}${row.identical ? '' : '  VALUES DIFFER'}`,
          );
        }
      }
      host.arena.release(mark);
    }
    // host combining: the same run with two simulated hosts (frames between them combined into one
    // real frame per host pair and exchange) against one host (one frame per worker pair)
    const combined: { graph: string; file: string; algorithm: AlgorithmName; k: number }[] = quick
      ? [{ graph: 'celegans_herm_chem', file: 'celegans_herm_chem.el', algorithm: 'pagerank', k: 4 }]
      : [
          { graph: 'email_enron', file: 'email_enron.el.gz', algorithm: 'pagerank', k: 8 },
          { graph: 'celegans_herm_chem', file: 'celegans_herm_chem.el', algorithm: 'bfs', k: 16 },
        ];
    for (const item of combined) {
      const mark = host.arena.mark();
      const graph = load(item.file)(host);
      const runOptions = options(item.algorithm, quick);
      const partition = system.partitionGraph(graph, item.algorithm, item.k, { seed: SEED });
      const half = Math.ceil(item.k / 2);
      const hosts = [Array.from({ length: half }, (_, i) => i), Array.from({ length: item.k - half }, (_, i) => half + i)];
      const flat = await system.executeDistributedAlgorithm(graph, partition, { ...runOptions, transport: 'frames', communication: 'optimized' });
      const split = await system.executeDistributedAlgorithm(graph, partition, { ...runOptions, transport: 'frames', communication: 'optimized', hosts });
      const steps = Math.max(1, split.stats.supersteps);
      const one = flat.stats.communication!.totals.optimized;
      const two = split.stats.communication!;
      const row: HostCombining = {
        graph: item.graph,
        algorithm: item.algorithm,
        k: item.k,
        hosts,
        identical: Buffer.from(split.values.buffer, split.values.byteOffset, split.values.byteLength).equals(Buffer.from(flat.values.buffer, flat.values.byteOffset, flat.values.byteLength)),
        oneHost: { bytes: one.bytes / steps, messages: one.messages / steps },
        combined: { bytes: two.totals.optimized.bytes / steps, messages: two.totals.optimized.messages / steps },
        predictedSavings: two.expected.expectedBandwidthSavings,
        measuredSavings: two.measured.bandwidthSavings,
      };
      hostRows.push(row);
      log(`comm: host combining ${item.graph} ${item.algorithm} k=${item.k} on 2 hosts: per superstep ${fmt(row.oneHost.bytes)} B / ${row.oneHost.messages.toFixed(1)} frames on one host -> ${fmt(row.combined.bytes)} B / ${row.combined.messages.toFixed(1)} frames (saved vs naive ${pct(row.measuredSavings)}, predicted ${pct(row.predictedSavings)})${row.identical ? '' : '  VALUES DIFFER'}`);
      host.arena.release(mark);
    }
    // wall time of one run per transport, interleaved (shared, frames, ports, shared, ...): the
    // machine's load moves between rounds, so compare within a round; the load average is saved
    const timed: { graph: string; file: string; algorithm: AlgorithmName; k: number }[] = quick
      ? [{ graph: 'celegans_herm_chem', file: 'celegans_herm_chem.el', algorithm: 'pagerank', k: 4 }]
      : [
          { graph: 'email_enron', file: 'email_enron.el.gz', algorithm: 'pagerank', k: 4 },
          { graph: 'road_ny', file: 'road_ny.el.gz', algorithm: 'bfs', k: 4 },
        ];
    for (const item of timed) {
      const mark = host.arena.mark();
      const graph = load(item.file)(host);
      const runOptions = options(item.algorithm, quick);
      const partition = system.partitionGraph(graph, item.algorithm, item.k, { seed: SEED });
      const wallMs: Record<Transport, number[]> = { shared: [], frames: [], ports: [] };
      const loadBefore = os.loadavg()[0]!;
      for (let round = 0; round < (quick ? 1 : 3); round++) {
        for (const transport of TRANSPORTS) {
          const result = await system.executeDistributedAlgorithm(graph, partition, { ...runOptions, transport, communication: 'optimized' });
          wallMs[transport].push(result.stats.wallMs);
        }
      }
      const timing: TransportTiming = { graph: item.graph, algorithm: item.algorithm, k: item.k, medianWallMs: { shared: median(wallMs.shared), frames: median(wallMs.frames), ports: median(wallMs.ports) }, wallMs, loadAverage: [loadBefore, os.loadavg()[0]!] };
      transports.push(timing);
      log(`comm: transports ${item.graph} ${item.algorithm} k=${item.k}: median wall ms shared ${timing.medianWallMs.shared.toFixed(0)}, frames ${timing.medianWallMs.frames.toFixed(0)}, ports ${timing.medianWallMs.ports.toFixed(0)} (load ${timing.loadAverage.map((l) => l.toFixed(1)).join(' -> ')})`);
      host.arena.release(mark);
    }
  } finally {
    await system.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const counted = rows.filter((row) => row.perSuperstep.naive.messages > 0);
  const min = (values: number[]) => (values.length ? Math.min(...values) : NaN);
  const max = (values: number[]) => (values.length ? Math.max(...values) : NaN);
  const totalIds = rows.reduce((sum, row) => sum + row.ids, 0);
  const averageBits = totalIds > 0 ? rows.reduce((sum, row) => sum + (row.bitsPerId ?? 0) * row.ids, 0) / totalIds : NaN;
  const worst = {
    naiveBytes: min(counted.map((row) => row.savings.naiveBytes)),
    naiveMessages: min(counted.map((row) => row.savings.naiveMessages)),
    batchedBytes: min(counted.map((row) => row.savings.batchedBytes)),
    medianBatchedBytes: median(counted.map((row) => row.savings.batchedBytes)),
    predictionError: max(counted.map((row) => row.predictionError)),
    bitsPerIdAverage: averageBits,
    bitsPerIdWorstRow: max(rows.flatMap((row) => (row.bitsPerId === null ? [] : [row.bitsPerId]))),
  };
  const identical = rows.every((row) => row.identical);
  const meeting = (test: (row: CommRow) => boolean): string => `${counted.filter(test).length} of ${counted.length} rows`;
  const bars = {
    naiveBytes: meeting((row) => row.savings.naiveBytes >= 0.7),
    naiveMessages: meeting((row) => row.savings.naiveMessages >= 0.9),
    batchedBytes: meeting((row) => row.savings.batchedBytes >= 0.3),
    batchedBytesAim: meeting((row) => row.savings.batchedBytes >= 0.6),
    prediction: meeting((row) => row.predictionError <= 0.15),
    medians: {
      naiveBytes: median(counted.map((row) => row.savings.naiveBytes)),
      naiveMessages: median(counted.map((row) => row.savings.naiveMessages)),
      batchedBytes: median(counted.map((row) => row.savings.batchedBytes)),
      predictionError: median(counted.map((row) => row.predictionError)),
    },
  };
  log(`comm: rows meeting the bars: bytes vs naive ${bars.naiveBytes}, messages ${bars.naiveMessages}, vs batched ${bars.batchedBytes} (aim 60%: ${bars.batchedBytesAim}), prediction ${bars.prediction}`);
  const headlines: Headline[] = [
    { label: 'comm: fewest bytes saved vs naive messaging (worst row)', value: 100 * worst.naiveBytes, unit: '%', goal: '≥ 70', met: worst.naiveBytes >= 0.7 },
    { label: 'comm: fewest messages saved vs naive (worst row)', value: 100 * worst.naiveMessages, unit: '%', goal: '≥ 90', met: worst.naiveMessages >= 0.9 },
    { label: 'comm: fewest bytes saved vs batched uncombined frames (worst row)', value: 100 * worst.batchedBytes, unit: '%', goal: '≥ 30 (aim 60)', met: worst.batchedBytes >= 0.3 },
    { label: 'comm: encoded vertex ids, average bits per id', value: worst.bitsPerIdAverage, unit: 'bits', goal: '≤ 12', met: worst.bitsPerIdAverage <= 12 },
    { label: 'comm: predicted vs measured byte savings, worst relative error', value: 100 * worst.predictionError, unit: '%', goal: '≤ 15', met: worst.predictionError <= 0.15 },
    { label: 'comm: median bytes saved vs naive', value: 100 * bars.medians.naiveBytes, unit: '%' },
    { label: 'comm: median bytes saved vs batched', value: 100 * bars.medians.batchedBytes, unit: '%' },
    { label: 'comm: median prediction error of the byte savings', value: 100 * bars.medians.predictionError, unit: '%' },
    { label: 'comm: every run bit-identical to the single-worker driver', value: identical ? 1 : 0, unit: 'bool', goal: '1', met: identical },
  ];
  save('comm', stage, { seconds, loadAverage: os.loadavg(), worst, bars, rows, table: table(rows), transports, hostCombining: hostRows });
  return { stage: 'comm', headlines };
}

/** One run on two simulated hosts (real combined frames) beside the same run on one host, per superstep. */
export interface HostCombining {
  graph: string;
  algorithm: AlgorithmName;
  k: number;
  hosts: number[][];
  identical: boolean;
  oneHost: { bytes: number; messages: number };
  combined: { bytes: number; messages: number };
  predictedSavings: number;
  measuredSavings: number;
}

/** One graph's wall time per transport (issue 5 item 8: what encoding and posting frames cost). */
export interface TransportTiming {
  graph: string;
  algorithm: AlgorithmName;
  k: number;
  medianWallMs: Record<Transport, number>;
  wallMs: Record<Transport, number[]>;
  /** 1-minute load average before and after the runs (2 cores shared with other work) */
  loadAverage: [number, number];
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function fmt(value: number): string {
  return value >= 1e6 ? `${(value / 1e6).toFixed(2)}M` : value >= 1e3 ? `${(value / 1e3).toFixed(1)}k` : value.toFixed(0);
}

function pct(fraction: number): string {
  return `${(100 * fraction).toFixed(1)}%`;
}

/** The README table (markdown), one row per graph, algorithm and k. */
export function table(rows: CommRow[]): string {
  const lines = [
    '| graph | algo | k | strategy | steps | naive B / msgs per step | batched B / msgs | optimized (frames) B / msgs | saved vs naive B (predicted) | msgs saved | saved vs batched | mailbox B (saved vs naive) | bits/id |',
    '|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const { naive, batched, optimized } = row.perSuperstep;
    lines.push(
      `| ${row.graph} | ${row.algorithm} | ${row.k} | ${row.strategy} | ${row.supersteps} | ${fmt(naive.bytes)} / ${fmt(naive.messages)} | ${fmt(batched.bytes)} / ${fmt(batched.messages)} | ${fmt(optimized.bytes)} / ${fmt(optimized.messages)} | ${pct(row.savings.naiveBytes)} (${pct(row.predicted.naiveBytes)}) | ${pct(row.savings.naiveMessages)} | ${pct(row.savings.batchedBytes)} | ${fmt(row.perSuperstep.mailbox.bytes)} (${pct(row.mailboxSavings)}) | ${row.bitsPerId === null ? '-' : row.bitsPerId.toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}
