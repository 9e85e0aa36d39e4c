/**
 * `neuromesh run <graph> --algo ...`: load, (partition,) run, write results.
 *
 * One worker without a strategy runs the single-worker driver in this thread; `--workers P` (or an
 * explicit `--strategy`) partitions for the algorithm and runs on P worker threads over one shared
 * memory, with the same bits. Results are reported by input vertex id (DESIGN.md "Command line"):
 * when the loader remapped sparse ids, `--out` carries `ids` (the input id of each value), WCC labels
 * and spiking neurons are mapped back to input ids. `--comm`, `--transport` and `--hosts` turn the
 * communication layer on (src/exchange/optimizer.ts: naive / batched / optimized figures, frames,
 * simulated hosts; stats.communication). `--checkpoint-dir`, `--checkpoint-interval`, `--resume` and
 * `--chaos` turn fault tolerance on (src/protect/recovery.ts; stats.recovery).
 */
import { existsSync, statSync } from 'node:fs';
import { OptionsError } from '../errors.js';
import { runAlgorithm } from '../execute/single.js';
import { MAX_WORKERS, type DistributedResult, type DistributedRunOptions, type InjectedFault } from '../execute/distributed/coordinator.js';
import { createPrng } from '../generate/prng.js';
import { DirectoryCheckpointStore } from '../protect/directory-store.js';
import type { FaultToleranceOptions } from '../protect/recovery.js';
import { DistributedProcessingSystem } from '../index.js';
import { partitionGraphForAlgorithm, type StrategyChoice } from '../partition/partitioner.js';
import { ALGORITHMS, type AlgorithmName, type AlgorithmOptions, type AlgorithmResult } from '../execute/types.js';
import { rasterSha256 } from '../execute/lif.js';
import { loadGraph } from '../input/load.js';
import type { NeuromorphicGraph } from '../input/graph.js';
import type { WasmHost } from '../memory/host.js';
import { JsonArray, writeJsonFile, writeTextFile } from './output.js';
import { choiceOption, integerOption, numberOption, seedOption } from './parse.js';
import { progressBar } from './progress.js';
import { COMMUNICATION_MODES } from '../exchange/accounting.js';
import type { CommunicationOptions } from '../exchange/optimizer.js';

export const STRATEGIES = ['auto', 'edge-cut', 'vertex-cut', 'hybrid'] as const;

/** The flags of `run` as commander hands them over (strings, or true for switches). */
export interface RunFlags {
  algo: string;
  workers?: string;
  threads?: string;
  strategy?: string;
  source?: string;
  iterations?: string;
  tolerance?: string;
  steps?: string;
  neurons?: string;
  spikes?: string;
  seed?: string;
  out?: string;
  stats?: string;
  debug?: boolean;
  comm?: string;
  transport?: string;
  hosts?: string;
  checkpointDir?: string;
  checkpointInterval?: string;
  resume?: string;
  chaos?: string;
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** whether stderr is a terminal (progress bars) */
  stderrIsTTY: boolean;
}

/** Checked run settings: everything that can be refused before the graph is loaded. */
interface RunSettings {
  algorithm: AlgorithmName;
  options: AlgorithmOptions;
  source?: number;
  workers: number;
  /** threads to run the workers on (default: the runtime's, one per worker up to the cores) */
  threads?: number;
  strategy: StrategyChoice;
  /** run through the distributed runtime (P > 1, or a strategy was asked for) */
  distributed: boolean;
  /** --comm, --transport, --hosts (empty: the communication layer stays off) */
  communication: CommunicationOptions;
  /** --checkpoint-dir, --checkpoint-interval, --resume, --chaos (empty: no checkpoints) */
  protection: Pick<DistributedRunOptions, 'faultTolerance' | 'faults'>;
}

function settingsOf(flags: RunFlags): RunSettings {
  const algorithm = choiceOption('--algo', flags.algo, ALGORITHMS);
  // Distributed-only flags: refused (exit 2), not ignored, so scripts written for later issues
  // fail loudly here instead of running something else.
  const workers = integerOption('--workers', flags.workers ?? '1', 1, MAX_WORKERS);
  const strategy = choiceOption('--strategy', flags.strategy ?? 'auto', STRATEGIES);
  const threads = flags.threads === undefined ? undefined : integerOption('--threads', flags.threads, 1, MAX_WORKERS);

  const only = (flag: string, value: unknown, algorithms: AlgorithmName[]) => {
    if (value !== undefined && !algorithms.includes(algorithm)) {
      throw new OptionsError(flag, `applies to --algo ${algorithms.join(' or ')} only, not ${algorithm}`);
    }
  };
  only('--source', flags.source, ['bfs', 'sssp']);
  only('--iterations', flags.iterations, ['pagerank']);
  only('--tolerance', flags.tolerance, ['pagerank']);
  only('--steps', flags.steps, ['lif']);
  only('--spikes', flags.spikes, ['lif']);

  const options: AlgorithmOptions = {};
  let source: number | undefined;
  if (flags.source !== undefined) source = integerOption('--source', flags.source, 0);
  if (flags.iterations !== undefined) options.iterations = integerOption('--iterations', flags.iterations, 1);
  if (flags.tolerance !== undefined) options.tolerance = numberOption('--tolerance', flags.tolerance, 0);
  if (flags.steps !== undefined) options.steps = integerOption('--steps', flags.steps, 0, 0xffff_ffff);
  if (flags.seed !== undefined) {
    const seed = seedOption('--seed', flags.seed);
    if (algorithm === 'lif') options.seed = seed;
  }
  if (flags.spikes !== undefined) options.recordSpikes = true;
  const communication = communicationOf(flags, workers);
  const layered = Object.keys(communication).length > 0;
  const protection = protectionOf(flags, workers);
  const protectedRun = protection.faultTolerance !== undefined;
  return { algorithm, options, source, workers, threads, strategy, communication, protection, distributed: workers > 1 || flags.strategy !== undefined || threads !== undefined || layered || protectedRun };
}

/** Most supersteps a --chaos fault is placed at: small, so that short runs see them too. */
const CHAOS_SUPERSTEPS = 8;

/**
 * `--checkpoint-dir DIR`, `--checkpoint-interval auto|N`, `--resume DIR` (continue the run whose
 * checkpoints DIR holds, and keep checkpointing there), `--chaos SEED[:COUNT]` (COUNT seeded
 * faults, default 1: random worker, superstep below CHAOS_SUPERSTEPS, mode throw/exit/trap).
 */
function protectionOf(flags: RunFlags, workers: number): Pick<DistributedRunOptions, 'faultTolerance' | 'faults'> {
  if (flags.checkpointDir !== undefined && flags.resume !== undefined && flags.checkpointDir !== flags.resume) {
    throw new OptionsError('--resume', `continues in its own directory; give --checkpoint-dir the same one or leave it out (got ${flags.checkpointDir})`, flags.resume);
  }
  const directory = flags.resume ?? flags.checkpointDir;
  let interval: 'auto' | number = 'auto';
  if (flags.checkpointInterval !== undefined) interval = flags.checkpointInterval === 'auto' ? 'auto' : integerOption('--checkpoint-interval', flags.checkpointInterval, 1);
  const faults: InjectedFault[] = [];
  if (flags.chaos !== undefined) {
    const match = /^(\d+)(?::(\d+))?$/.exec(flags.chaos);
    if (!match) throw new OptionsError('--chaos', 'must be SEED or SEED:COUNT (non-negative integers)', flags.chaos);
    const prng = createPrng(Number(match[1]));
    const count = match[2] === undefined ? 1 : integerOption('--chaos', match[2], 1, 64);
    const modes = ['throw', 'exit', 'trap'] as const;
    for (let i = 0; i < count; i++) faults.push({ worker: prng.nextInt(workers), superstep: prng.nextInt(CHAOS_SUPERSTEPS), mode: modes[prng.nextInt(modes.length)]! });
  }
  if (directory === undefined && flags.checkpointInterval === undefined && faults.length === 0) return {};
  const faultTolerance: FaultToleranceOptions = { interval, maxRecoveries: Math.max(3, faults.length) };
  if (directory !== undefined) faultTolerance.store = new DirectoryCheckpointStore(directory);
  if (flags.resume !== undefined) {
    // a mistyped directory would silently start the run over: refuse it
    if (!existsSync(flags.resume) || !statSync(flags.resume).isDirectory()) throw new OptionsError('--resume', 'must name an existing checkpoint directory', flags.resume);
    faultTolerance.resume = true;
  }
  return { faultTolerance, ...(faults.length > 0 ? { faults } : {}) };
}

/** `--comm MODE`, `--transport shared|frames|ports`, `--hosts 0,1/2,3` (worker groups of simulated hosts). */
function communicationOf(flags: RunFlags, workers: number): CommunicationOptions {
  const communication: CommunicationOptions = {};
  if (flags.comm !== undefined) communication.communication = choiceOption('--comm', flags.comm, COMMUNICATION_MODES);
  if (flags.transport !== undefined) communication.transport = choiceOption('--transport', flags.transport, ['shared', 'frames', 'ports'] as const);
  if (flags.hosts !== undefined) {
    communication.hosts = flags.hosts.split('/').map((group) => group.split(',').map((worker) => integerOption('--hosts', worker.trim(), 0, workers - 1)));
  }
  return communication;
}

/** Values in input ids: WCC labels are vertices, so they are mapped like the vertices are. */
function outputValues(graph: NeuromorphicGraph, result: AlgorithmResult): Float64Array | Int32Array {
  const ids = graph.vertexIds;
  if (!ids || result.algorithm !== 'wcc') return result.values;
  const labels = new Float64Array(result.values.length);
  for (let v = 0; v < labels.length; v++) labels[v] = ids[result.values[v]!]!;
  return labels;
}

export async function runCommand(host: WasmHost, graphPath: string, flags: RunFlags, io: CliIo): Promise<void> {
  const { algorithm, options, source, workers, threads, strategy, distributed, communication, protection } = settingsOf(flags);

  const loadBar = progressBar('loading', io.stderrIsTTY);
  const loadStart = performance.now();
  let graph: NeuromorphicGraph;
  try {
    // LIF only pushes spikes along out-arcs: skip the CSC and its 4 bytes per synapse.
    graph = loadGraph(host, graphPath, { neurons: flags.neurons, onProgress: loadBar.update, inArcs: algorithm !== 'lif' });
  } finally {
    loadBar.stop();
  }
  const loadMs = performance.now() - loadStart;

  if (source !== undefined) {
    if (graph.fromInputId(source) < 0) throw new OptionsError('--source', `must be a vertex id of the graph (n = ${graph.n})`, flags.source);
    options.source = source;
  }

  let result: AlgorithmResult;
  let partitionMs = 0;
  if (distributed) {
    const partitionStart = performance.now();
    const partition = partitionGraphForAlgorithm(graph, algorithm, workers, { strategy });
    partitionMs = performance.now() - partitionStart;
    const system = new DistributedProcessingSystem();
    try {
      result = await system.executeDistributedAlgorithm(graph, partition, { ...options, threads, ...communication, ...protection });
    } finally {
      await system.close();
    }
  } else {
    const runBar = progressBar(algorithm, io.stderrIsTTY);
    try {
      result = runAlgorithm(graph, algorithm, { ...options, onProgress: runBar.update });
    } finally {
      runBar.stop();
    }
  }

  const values = outputValues(graph, result);
  if (flags.out !== undefined) {
    writeJsonFile(flags.out, {
      algorithm,
      n: graph.n,
      values: new JsonArray(values),
      ids: graph.vertexIds ? new JsonArray(graph.vertexIds) : undefined,
    });
  }
  if (flags.spikes !== undefined) writeSpikes(flags.spikes, graph, result);
  const recovery = (result as Partial<DistributedResult>).recovery;
  if (flags.resume !== undefined && recovery) {
    // say where the run started: stdout stays the results'
    const skipped = recovery.skipped.length > 0 ? ` (passed over ${recovery.skipped.map((skip) => `${skip.superstep}: ${skip.code}`).join(', ')})` : '';
    io.stderr(recovery.resumedFrom === null ? `neuromesh: no checkpoint of this run in ${flags.resume}${skipped}: ran from the beginning\n` : `neuromesh: resumed from the checkpoint of superstep ${recovery.resumedFrom}${skipped}\n`);
  }
  if (flags.stats !== undefined) {
    const stats = 'stats' in result ? distributedStatistics(graph, result as DistributedResult, loadMs, partitionMs, flags) : statistics(graph, result, loadMs, flags);
    writeJsonFile(flags.stats, stats);
  }
  if (flags.out === undefined) io.stdout(await summary(graph, result, values, options));
}

/** `step neuron` lines, sorted by step then neuron (input ids keep the order: remapping is by rank). */
function writeSpikes(path: string, graph: NeuromorphicGraph, result: AlgorithmResult): void {
  const raster = result.spikes!;
  const ids = graph.vertexIds;
  writeTextFile(path, (emit) => {
    let text = '';
    for (let k = 0; k < raster.steps.length; k++) {
      const neuron = raster.neurons[k]!;
      text += `${raster.steps[k]} ${ids ? ids[neuron]! : neuron}\n`;
      if (text.length >= 1 << 20) {
        emit(text);
        text = '';
      }
    }
    emit(text);
  });
}

/** Execution statistics (DESIGN.md "--stats"): one worker, no partition, no messages. */
function statistics(graph: NeuromorphicGraph, result: AlgorithmResult, loadMs: number, flags: RunFlags): Record<string, unknown> {
  return {
    workers: 1,
    strategy: 'none',
    requestedStrategy: flags.strategy ?? 'auto',
    algorithm: result.algorithm,
    n: graph.n,
    m: graph.m,
    supersteps: result.supersteps,
    wallMs: result.wallMs,
    loadMs,
    partitionMs: 0,
    bytes: 0,
    messages: 0,
    checkpoints: 0,
    failuresRecovered: 0,
    converged: result.converged,
    synapticEvents: result.synapticEvents,
    perSuperstep: result.perSuperstep.map((step, index) => ({ superstep: index + 1, ms: step.ms, active: step.active, bytes: 0, messages: 0 })),
    perWorker: [{ worker: 0, vertices: graph.n, arcs: graph.m, computeMs: result.wallMs, communicationMs: 0, bytes: 0, messages: 0 }],
  };
}

/**
 * Execution statistics of a distributed run: DESIGN.md's totals, then per superstep and per worker
 * the compute time, the time waiting at barriers, and the bytes and messages the router counted;
 * `traffic` holds bytes and messages from each partition to each other.
 */
function distributedStatistics(graph: NeuromorphicGraph, result: DistributedResult, loadMs: number, partitionMs: number, flags: RunFlags): Record<string, unknown> {
  const { stats } = result;
  return {
    workers: stats.workers,
    threads: stats.threads,
    strategy: stats.strategy,
    requestedStrategy: flags.strategy ?? 'auto',
    algorithm: result.algorithm,
    n: graph.n,
    m: graph.m,
    supersteps: stats.supersteps,
    wallMs: stats.wallMs,
    loadMs,
    partitionMs,
    placeMs: stats.placeMs,
    bytes: stats.bytes,
    messages: stats.messages,
    checkpoints: result.recovery?.checkpoints.length ?? 0,
    failuresRecovered: result.recovery?.failures.length ?? 0,
    ...(result.recovery ? { recovery: result.recovery } : {}),
    converged: result.converged,
    synapticEvents: result.synapticEvents,
    perSuperstep: stats.perSuperstep.map((workers, index) => ({
      superstep: index + 1,
      bytes: workers.reduce((sum, w) => sum + w.bytes, 0),
      messages: workers.reduce((sum, w) => sum + w.messages, 0),
      perWorker: workers.map((w, worker) => ({ worker, computeMs: w.computeMs, waitMs: w.waitMs, bytes: w.bytes, messages: w.messages, bytesTo: w.bytesTo ?? [] })),
    })),
    perWorker: stats.perWorker.map((w, worker) => ({ worker, computeMs: w.computeMs, waitMs: w.waitMs, bytes: w.bytes, messages: w.messages })),
    traffic: stats.traffic,
    // --comm / --transport / --hosts: every mode's bytes and messages, predicted beside measured
    ...(stats.communication ? { communication: stats.communication } : {}),
  };
}

/** A short human summary for stdout when no --out is given. */
async function summary(graph: NeuromorphicGraph, result: AlgorithmResult, values: Float64Array | Int32Array, options: AlgorithmOptions): Promise<string> {
  const n = graph.n;
  const id = (v: number) => graph.toInputId(v);
  const lines = [`${result.algorithm}: n ${n}, m ${graph.m}, ${result.supersteps} supersteps, ${result.wallMs.toFixed(1)} ms`];
  if ('stats' in result) {
    const { stats } = result as DistributedResult;
    lines[0] += ` on ${stats.workers} workers${stats.threads < stats.workers ? ` (${stats.threads} threads)` : ''} (${stats.strategy}; ${stats.bytes} bytes in ${stats.messages} messages)`;
    const comm = stats.communication;
    if (comm) {
      const percent = (fraction: number): string => `${(100 * fraction).toFixed(1)}%`;
      lines.push(
        `communication (${comm.mode}, ${comm.topology.transport}, ${comm.expected.routing}): naive ${comm.totals.naive.bytes} B / ${comm.totals.naive.messages} msgs, batched ${comm.totals.batched.bytes} B, optimized ${comm.totals.routed.bytes} B / ${comm.totals.routed.messages} msgs; saved vs naive ${percent(comm.measured.bandwidthSavings)} (predicted ${percent(comm.expected.expectedBandwidthSavings)})`,
      );
    }
  }
  switch (result.algorithm) {
    case 'pagerank': {
      lines[0] += result.converged ? ' (converged)' : ' (iteration limit reached)';
      lines.push('top vertices (vertex score):');
      for (const v of topVertices(values, 10)) lines.push(`  ${id(v)} ${values[v]}`);
      break;
    }
    case 'bfs':
    case 'sssp': {
      let reached = 0;
      let farthest = 0;
      for (let v = 0; v < n; v++) {
        if (values[v]! >= 0) {
          reached++;
          if (values[v]! > farthest) farthest = values[v]!;
        }
      }
      lines.push(`reached ${reached} of ${n} vertices from ${id(graph.fromInputId(options.source ?? 0))}; ${result.algorithm === 'bfs' ? 'deepest level' : 'largest distance'} ${farthest}`);
      break;
    }
    case 'wcc': {
      const sizes = new Map<number, number>();
      for (let v = 0; v < n; v++) sizes.set(values[v]!, (sizes.get(values[v]!) ?? 0) + 1);
      let largest = 0;
      let label = -1;
      for (const [l, size] of sizes) if (size > largest || (size === largest && l < label)) [largest, label] = [size, l];
      lines.push(`${sizes.size} components; largest has ${largest} vertices (label ${label})`);
      break;
    }
    case 'lif': {
      let spikes = 0;
      let active = 0;
      for (let v = 0; v < n; v++) {
        spikes += values[v]!;
        if (values[v]! > 0) active++;
      }
      lines.push(`${spikes} spikes from ${active} of ${n} neurons; ${result.synapticEvents ?? 0} synaptic events`);
      if (result.spikes) lines.push(`raster sha256 ${await rasterSha256(result, n, result.supersteps)}`);
      break;
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The `count` vertices with the largest values, largest first (ties: smaller id first); O(n · count). */
function topVertices(values: Float64Array | Int32Array, count: number): number[] {
  const top: number[] = [];
  const before = (a: number, b: number) => values[a]! > values[b]! || (values[a] === values[b] && a < b);
  for (let v = 0; v < values.length; v++) {
    if (top.length === count && !before(v, top[count - 1]!)) continue;
    let at = Math.min(top.length, count - 1);
    top[at] = v;
    while (at > 0 && before(top[at]!, top[at - 1]!)) {
      [top[at], top[at - 1]] = [top[at - 1]!, top[at]!];
      at--;
    }
  }
  return top;
}
