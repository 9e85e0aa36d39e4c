/**
 * `neuromesh partition <graph> -k K [--strategy ...] [--algo ...] [--balance load|vertices|arcs]
 * [--imbalance X] [--seed S] [--out FILE] [--assignment FILE] [--metadata FILE]`
 *
 * Prints the plan's quality figures (DESIGN.md "Metrics") on stdout. `--out` writes them as JSON;
 * `--assignment` writes `{ "vertexOwner": [...], "arcOwner": [...] }` with vertices by vertex
 * index (plus `ids`, the input id of each, when the loader remapped sparse ids, as `run --out`
 * does) and arcs in INPUT order: the graph is loaded with its arcs' input indices kept, and each
 * CSR arc's owner is written at its input index. `--metadata` saves the partition as a `.nmp`
 * file (src/partition/metadata.ts).
 */
import { ErrorCode, InputError } from '../errors.js';
import { ALGORITHMS } from '../execute/types.js';
import type { NeuromorphicGraph } from '../input/graph.js';
import { loadGraph } from '../input/load.js';
import type { WasmHost } from '../memory/host.js';
import { AtomicFileWriter } from '../generate/write.js';
import { savePartitionMetadata } from '../partition/metadata.js';
import { BALANCE_TARGETS, partitionGraphForAlgorithm, STRATEGY_CHOICES, type DistributedPartition } from '../partition/partitioner.js';
import { arcOwnersOf } from '../partition/plan.js';
import { JsonArray, writeJsonFile } from './output.js';
import { choiceOption, integerOption, numberOption } from './parse.js';
import { progressBar } from './progress.js';
import type { CliIo } from './run.js';

/** The flags of `partition` as commander hands them over. */
export interface PartitionFlags {
  k: string;
  strategy?: string;
  algo?: string;
  balance?: string;
  imbalance?: string;
  seed?: string;
  out?: string;
  assignment?: string;
  metadata?: string;
  debug?: boolean;
}

/** The figures `--out` writes and stdout shows. */
export function partitionFigures(graph: NeuromorphicGraph, partition: DistributedPartition, loadMs: number, file: string): Record<string, unknown> {
  const { quality } = partition;
  return {
    graph: file,
    n: graph.n,
    m: graph.m,
    algorithm: partition.algorithm,
    strategy: partition.strategy,
    requestedStrategy: partition.requestedStrategy,
    k: partition.k,
    seed: partition.seed,
    balance: partition.balance,
    allowedImbalance: partition.allowedImbalance,
    imbalance: { vertices: quality.vertexImbalance, arcs: quality.arcImbalance, load: quality.loadImbalance },
    cutFraction: quality.cutFraction,
    cutArcs: quality.cutArcs,
    undirectedCutFraction: quality.undirectedCutFraction,
    undirectedCutEdges: quality.undirectedCutEdges,
    replicationFactor: quality.replicationFactor,
    communicationVolume: quality.communicationVolume,
    emptyParts: quality.emptyParts,
    vertexLoads: Array.from(quality.vertexLoads),
    arcLoads: Array.from(quality.arcLoads),
    loads: Array.from(quality.loads),
    balanceScore: partition.balanceScore.score,
    estimate: partition.costEstimate,
    estimates: partition.estimates,
    timeMs: partition.timings.totalMs,
    timings: partition.timings,
    loadMs,
  };
}

function formatFigures(figures: Record<string, unknown>, partition: DistributedPartition): string {
  const q = partition.quality;
  const percent = (x: number) => `${(100 * x).toFixed(2)}%`;
  const chosen = partition.requestedStrategy === 'auto' ? ' (auto)' : '';
  return [
    `graph: ${figures.graph as string} (n ${figures.n as number}, m ${figures.m as number})`,
    `algorithm: ${partition.algorithm}`,
    `strategy: ${partition.strategy}${chosen}`,
    `k: ${partition.k}`,
    `imbalance: vertices ${percent(q.vertexImbalance)}, arcs ${percent(q.arcImbalance)}, load (${partition.balance}) ${percent(q.loadImbalance)}`,
    `cut fraction: ${q.cutFraction.toFixed(6)} (${q.cutArcs} arcs; undirected ${q.undirectedCutFraction.toFixed(6)})`,
    `replication factor: ${q.replicationFactor.toFixed(6)}`,
    `communication volume: ${q.communicationVolume}`,
    `empty parts: ${q.emptyParts}`,
    `time: ${partition.timings.totalMs.toFixed(1)} ms (partition ${partition.timings.partitionMs.toFixed(1)} ms, load ${(figures.loadMs as number).toFixed(1)} ms)`,
  ].join('\n') + '\n';
}

/** Arc owners in input order: CSR arc a is the input's arc arcInputOrder[a] (null: the same index). */
export function arcOwnersInInputOrder(graph: NeuromorphicGraph, arcOwner: Int32Array): Int32Array {
  const order = graph.arcInputOrder;
  if (!order) {
    if (graph.inputOrderDropped) throw new InputError(ErrorCode.INPUT_FORMAT, 'the arcs\' input order was not kept, so arc owners cannot be written in input order', { file: graph.name });
    return arcOwner;
  }
  const inInput = new Int32Array(arcOwner.length);
  for (let a = 0; a < order.length; a++) inInput[order[a]!] = arcOwner[a]!;
  return inInput;
}

export async function partitionCommand(host: WasmHost, graphPath: string, flags: PartitionFlags, io: CliIo): Promise<void> {
  // Every option is checked before the graph is loaded (exit 2 without waiting for a big load).
  const k = integerOption('-k', flags.k, 1, 0x7fff_ffff);
  const strategy = choiceOption('--strategy', flags.strategy ?? 'auto', STRATEGY_CHOICES);
  const algorithm = choiceOption('--algo', flags.algo ?? 'pagerank', ALGORITHMS);
  const balance = choiceOption('--balance', flags.balance ?? 'load', BALANCE_TARGETS);
  const imbalance = flags.imbalance === undefined ? undefined : numberOption('--imbalance', flags.imbalance, 0, 10);
  const seed = flags.seed === undefined ? undefined : integerOption('--seed', flags.seed, 0);

  const bar = progressBar('loading', io.stderrIsTTY);
  const loadStart = performance.now();
  let graph: NeuromorphicGraph;
  try {
    graph = loadGraph(host, graphPath, { onProgress: bar.update, keepInputOrder: flags.assignment !== undefined });
  } finally {
    bar.stop();
  }
  const loadMs = performance.now() - loadStart;

  const partition = partitionGraphForAlgorithm(graph, algorithm, k, { strategy, seed, imbalance, balance });
  const figures = partitionFigures(graph, partition, loadMs, graphPath);
  if (flags.out !== undefined) writeJsonFile(flags.out, figures);
  if (flags.assignment !== undefined) {
    const arcOwner = arcOwnersOf(partition.assignment, graph);
    writeJsonFile(flags.assignment, {
      strategy: partition.strategy,
      k,
      vertexOwner: new JsonArray(partition.assignment.vertexOwner),
      arcOwner: new JsonArray(arcOwnersInInputOrder(graph, arcOwner)),
      ids: graph.vertexIds ? new JsonArray(graph.vertexIds) : undefined,
    });
  }
  if (flags.metadata !== undefined) {
    const bytes = savePartitionMetadata({ assignment: partition.assignment, graph, quality: partition.quality, algorithm, seed: partition.seed });
    const writer = new AtomicFileWriter(flags.metadata);
    try {
      writer.writeRaw(bytes);
      writer.commit();
    } catch (error) {
      writer.abort();
      throw error;
    }
  }
  io.stdout(formatFigures(figures, partition));
}
