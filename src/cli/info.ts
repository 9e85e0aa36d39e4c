/**
 * `neuromesh info <graph>`: what a graph holds. Everything is computed from the built graph (not
 * copied from the file's header), so comparing the two checks the loader.
 */
import type { NeuromorphicGraph } from '../input/graph.js';
import { DELAY_CONSTANT, DELAY_U8, WEIGHT_F64, WEIGHT_I32 } from '../memory/layout.js';

export interface DegreeSummary {
  min: number;
  max: number;
  mean: number;
  /** the middle value; the mean of the two middle values when n is even */
  median: number;
}

export interface GraphInfo {
  name: string;
  n: number;
  m: number;
  outDegree: DegreeSummary;
  inDegree: DegreeSummary;
  selfLoops: number;
  /** arcs that repeat the (src, dst) pair of an earlier arc */
  parallelArcs: number;
  /** vertices with no arc in either direction */
  isolatedVertices: number;
  weights: { kind: 'unit' | 'i32' | 'f64'; min: number; max: number };
  delays: { kind: 'constant' | 'u8' | 'u16'; min: number; max: number };
  neuronTable: boolean;
  remappedIds: boolean;
  memory: { bytes: number; sharedBytes: number; heapBytes: number; bytesPerArc: number };
}

function summarize(offsets: Uint32Array, n: number): DegreeSummary {
  if (n === 0) return { min: 0, max: 0, mean: 0, median: 0 };
  const degrees = new Uint32Array(n);
  for (let v = 0; v < n; v++) degrees[v] = offsets[v + 1]! - offsets[v]!;
  degrees.sort();
  const middle = n >> 1;
  const median = n % 2 === 1 ? degrees[middle]! : (degrees[middle - 1]! + degrees[middle]!) / 2;
  return { min: degrees[0]!, max: degrees[n - 1]!, mean: offsets[n]! / n, median };
}

export function graphInfo(graph: NeuromorphicGraph): GraphInfo {
  const { n, m } = graph;
  const outOffsets = graph.outOffsets;
  const inOffsets = graph.inOffsets;
  const targets = graph.outTargets;
  let selfLoops = 0;
  let parallelArcs = 0;
  // lastSource[t] = u + 1 when u already has an arc to t: one pass finds repeated pairs without
  // sorting, since CSR groups each source's arcs together.
  const lastSource = new Uint32Array(n);
  for (let u = 0; u < n; u++) {
    const end = outOffsets[u + 1]!;
    for (let k = outOffsets[u]!; k < end; k++) {
      const t = targets[k]!;
      if (t === u) selfLoops++;
      if (lastSource[t] === u + 1) parallelArcs++;
      else lastSource[t] = u + 1;
    }
  }
  let isolatedVertices = 0;
  for (let v = 0; v < n; v++) {
    if (outOffsets[v + 1] === outOffsets[v] && inOffsets[v + 1] === inOffsets[v]) isolatedVertices++;
  }
  let minDelay = graph.delayType === DELAY_CONSTANT ? graph.constantDelay : Infinity;
  if (graph.delayType !== DELAY_CONSTANT) {
    const delays = (graph.outDelaysU8 ?? graph.outDelaysU16)!;
    for (let k = 0; k < m; k++) if (delays[k]! < minDelay) minDelay = delays[k]!;
  }
  const memory = graph.memoryBytes();
  return {
    name: graph.name,
    n,
    m,
    outDegree: summarize(outOffsets, n),
    inDegree: summarize(inOffsets, n),
    selfLoops,
    parallelArcs,
    isolatedVertices,
    weights: { kind: graph.weightType === WEIGHT_I32 ? 'i32' : graph.weightType === WEIGHT_F64 ? 'f64' : 'unit', min: graph.minWeight, max: graph.maxWeight },
    delays: {
      kind: graph.delayType === DELAY_CONSTANT ? 'constant' : graph.delayType === DELAY_U8 ? 'u8' : 'u16',
      min: m === 0 && graph.delayType !== DELAY_CONSTANT ? 0 : minDelay,
      max: graph.maxDelay,
    },
    neuronTable: graph.hasNeuronTable,
    remappedIds: graph.vertexIds !== null,
    memory: { bytes: memory.total, sharedBytes: memory.shared, heapBytes: memory.heap, bytesPerArc: memory.perArc },
  };
}

function round(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(4);
}

export function formatInfo(info: GraphInfo): string {
  const degree = (d: DegreeSummary) => `min ${d.min}, max ${d.max}, mean ${round(d.mean)}, median ${round(d.median)}`;
  const weightKind = info.weights.kind === 'unit' ? 'unit (every weight 1)' : info.weights.kind === 'i32' ? 'integer (i32)' : 'real (f64)';
  const delays = info.delays.kind === 'constant' ? `constant ${info.delays.max}` : `${info.delays.kind}, range ${info.delays.min} .. ${info.delays.max}`;
  const lines = [
    `graph: ${info.name}`,
    `vertices (n): ${info.n}`,
    `arcs (m): ${info.m}`,
    `out-degree: ${degree(info.outDegree)}`,
    `in-degree: ${degree(info.inDegree)}`,
    `self-loops: ${info.selfLoops}`,
    `parallel arcs: ${info.parallelArcs}`,
    `isolated vertices: ${info.isolatedVertices}`,
    `weights: ${weightKind}, range ${info.weights.min} .. ${info.weights.max}`,
    `delays: ${delays}`,
    `neuron table: ${info.neuronTable ? 'yes' : 'no (defaults)'}`,
    `ids remapped: ${info.remappedIds ? 'yes' : 'no'}`,
    `memory: ${info.memory.bytes} bytes (${info.memory.bytesPerArc.toFixed(2)} bytes/arc; shared ${info.memory.sharedBytes}, heap ${info.memory.heapBytes})`,
  ];
  return `${lines.join('\n')}\n`;
}
