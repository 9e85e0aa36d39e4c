/**
 * NeuromorphicGraph: the validated, immutable graph every later stage trusts.
 *
 * Vertices are neurons, arcs are synapses with a weight and an integer delay >= 1. The graph lives
 * in the host's shared WebAssembly memory as CSR (out-arcs) and CSC (in-arcs); the region layout
 * is drawn in src/memory/layout.ts. Parallel arcs and self-loops are kept as given.
 *
 * Weights are stored in the narrowest exact form: none when every weight is 1, i32 when every
 * weight is an integer in i32 range, f64 otherwise. Delays likewise: none when all are equal
 * (`constantDelay`), else u8 or u16. That keeps an unweighted graph at 8 bytes per arc for both
 * directions and a fixed-delay LIF network at 8 bytes per synapse (see README, "Memory").
 */
import { ErrorCode, InputError, OptionsError } from '../errors.js';
import type { WasmHost } from '../memory/host.js';
import {
  DELAY_CONSTANT,
  DELAY_U16,
  DELAY_U8,
  MAX_DELAY,
  NEURON_DEFAULTS,
  NEURON_FIELDS,
  NEURON_STRIDE,
  WEIGHT_F64,
  WEIGHT_I32,
  WEIGHT_UNIT,
  type NeuronField,
} from '../memory/layout.js';

export type WeightType = typeof WEIGHT_UNIT | typeof WEIGHT_I32 | typeof WEIGHT_F64;
export type DelayType = typeof DELAY_CONSTANT | typeof DELAY_U8 | typeof DELAY_U16;

/** The largest vertex count: ids are u32 in the kernels, and -1 marks "none" in i32 outputs. */
export const MAX_VERTICES = 0x7fff_ffff;
/** The largest arc count: arc offsets are u32. */
export const MAX_ARCS = 0xffff_ffff;

/** Byte offsets of a graph's regions in the shared memory (-1 = absent). */
export interface GraphRegions {
  outOffsets: number;
  outTargets: number;
  outWeights: number;
  outDelays: number;
  /** -1 when the graph was built with `inArcs: false` (see BuildOptions) */
  inOffsets: number;
  inSources: number;
  /** NEURON_STRIDE i32 per neuron, or -1 when the graph carries no neuron table (defaults apply) */
  neurons: number;
}

/** Per-neuron LIF parameters, by column. Missing columns take lif-model.md's defaults. */
export type NeuronColumns = Partial<Record<NeuronField, ArrayLike<number>>>;

/** Arrays to build a graph from, in code. Arc i is src[i] -> dst[i]. */
export interface ArcArrays {
  /** vertex count; ids must lie in [0, n) */
  n: number;
  src: ArrayLike<number>;
  dst: ArrayLike<number>;
  /** one weight per arc (finite numbers); omitted = every weight is 1 */
  weights?: ArrayLike<number>;
  /** one delay per arc (integers in [1, 65535]); omitted = every delay is 1 */
  delays?: ArrayLike<number>;
  /** LIF parameters per neuron */
  neurons?: NeuronColumns;
  /** the input's own id of each vertex, when the loader remapped sparse ids; length n */
  vertexIds?: Float64Array;
  /** a name for messages and statistics (file path or caller's label) */
  name?: string;
}

/** Range rules for neuron parameters (lif-model.md), checked when a graph is built. */
export const NEURON_RANGES: Readonly<Record<NeuronField, readonly [number, number]>> = {
  du: [0, 4096],
  dv: [0, 4096],
  vth: [-0x8000_0000, 0x7fff_ffff],
  bias: [-0x8000_0000, 0x7fff_ffff],
  refractory: [0, 0x7fff_ffff],
  // 2 * noise + 1 must fit comfortably in the generator's modulus arithmetic
  noise: [0, 0x3fff_ffff],
};

/** The plain fields a graph is made of (everything but the host and the derived views). */
export interface GraphFields {
  n: number;
  m: number;
  weightType: WeightType;
  delayType: DelayType;
  constantDelay: number;
  maxDelay: number;
  regions: GraphRegions;
  vertexIds: Float64Array | null;
  arcInputOrder: Uint32Array | null;
  /** true when the input was not in source order and its order was not kept (see BuildOptions.keepInputOrder) */
  inputOrderDropped?: boolean;
  name: string;
  minWeight: number;
  maxWeight: number;
}

export class NeuromorphicGraph implements GraphFields {
  /** number of vertices (neurons) */
  readonly n: number;
  /** number of arcs (synapses) */
  readonly m: number;
  readonly weightType: WeightType;
  readonly delayType: DelayType;
  /** the delay of every arc when delayType is DELAY_CONSTANT */
  readonly constantDelay: number;
  readonly maxDelay: number;
  readonly regions: GraphRegions;
  /** input id of each vertex when ids were remapped; null when vertex v is the input's id v */
  readonly vertexIds: Float64Array | null;
  /**
   * For each arc in CSR order, its index in the input; null when the input was already in
   * source order (then CSR order is input order).
   */
  readonly arcInputOrder: Uint32Array | null;
  readonly inputOrderDropped: boolean;
  readonly name: string;
  /** the smallest and largest weight (1 and 1 for unit weights; 0 and 0 when m = 0) */
  readonly minWeight: number;
  readonly maxWeight: number;

  constructor(
    readonly host: WasmHost,
    fields: GraphFields,
  ) {
    this.n = fields.n;
    this.m = fields.m;
    this.weightType = fields.weightType;
    this.delayType = fields.delayType;
    this.constantDelay = fields.constantDelay;
    this.maxDelay = fields.maxDelay;
    this.regions = fields.regions;
    this.vertexIds = fields.vertexIds;
    this.arcInputOrder = fields.arcInputOrder;
    this.inputOrderDropped = fields.inputOrderDropped === true;
    this.name = fields.name;
    this.minWeight = fields.minWeight;
    this.maxWeight = fields.maxWeight;
  }

  // Views are made on each access from the current buffer (see WasmHost.view): cheap, and always
  // valid after the memory grew. Hoist them out of loops.
  get outOffsets(): Uint32Array {
    return this.host.view(Uint32Array, this.regions.outOffsets, this.n + 1);
  }
  get outTargets(): Uint32Array {
    return this.host.view(Uint32Array, this.regions.outTargets, this.m);
  }
  get inOffsets(): Uint32Array {
    this.requireInArcs('inOffsets');
    return this.host.view(Uint32Array, this.regions.inOffsets, this.n + 1);
  }
  get inSources(): Uint32Array {
    this.requireInArcs('inSources');
    return this.host.view(Uint32Array, this.regions.inSources, this.m);
  }

  /** Whether the CSC (in-arcs) was built; a push-only graph (LIF) may go without it. */
  get hasInArcs(): boolean {
    return this.regions.inOffsets >= 0;
  }

  /** Throw a clear error when a caller needs in-arcs that were not built. */
  requireInArcs(user: string): void {
    if (!this.hasInArcs) {
      throw new OptionsError(user, `needs the graph's in-arcs (CSC), but ${this.name} was built with inArcs: false`);
    }
  }
  get outWeightsI32(): Int32Array | null {
    return this.weightType === WEIGHT_I32 ? this.host.view(Int32Array, this.regions.outWeights, this.m) : null;
  }
  get outWeightsF64(): Float64Array | null {
    return this.weightType === WEIGHT_F64 ? this.host.view(Float64Array, this.regions.outWeights, this.m) : null;
  }
  get outDelaysU8(): Uint8Array | null {
    return this.delayType === DELAY_U8 ? this.host.view(Uint8Array, this.regions.outDelays, this.m) : null;
  }
  get outDelaysU16(): Uint16Array | null {
    return this.delayType === DELAY_U16 ? this.host.view(Uint16Array, this.regions.outDelays, this.m) : null;
  }
  /** NEURON_STRIDE i32 per neuron, or null when no neuron table was given (defaults apply). */
  get neuronRecords(): Int32Array | null {
    return this.regions.neurons < 0 ? null : this.host.view(Int32Array, this.regions.neurons, this.n * NEURON_STRIDE);
  }

  get hasNeuronTable(): boolean {
    return this.regions.neurons >= 0;
  }

  /** true when every weight is an integer (unit or i32 storage) */
  get isIntegerWeighted(): boolean {
    return this.weightType !== WEIGHT_F64;
  }

  /** Weight of the arc at CSR index `arc`. Not for hot loops. */
  weightOf(arc: number): number {
    if (this.weightType === WEIGHT_UNIT) return 1;
    return this.weightType === WEIGHT_I32 ? this.outWeightsI32![arc]! : this.outWeightsF64![arc]!;
  }

  /** Delay of the arc at CSR index `arc`. Not for hot loops. */
  delayOf(arc: number): number {
    if (this.delayType === DELAY_CONSTANT) return this.constantDelay;
    return this.delayType === DELAY_U8 ? this.outDelaysU8![arc]! : this.outDelaysU16![arc]!;
  }

  outDegree(v: number): number {
    const offsets = this.outOffsets;
    return offsets[v + 1]! - offsets[v]!;
  }

  inDegree(v: number): number {
    const offsets = this.inOffsets;
    return offsets[v + 1]! - offsets[v]!;
  }

  /** The input's id of vertex v. */
  toInputId(v: number): number {
    return this.vertexIds ? this.vertexIds[v]! : v;
  }

  /** The vertex of an input id, or -1 when the input has no such vertex. */
  fromInputId(id: number): number {
    return vertexOfInputId(this.vertexIds, this.n, id);
  }


  /** The input index of the arc at CSR index `arc`, or -1 when the input order was not kept. */
  arcInputIndex(arc: number): number {
    if (this.arcInputOrder) return this.arcInputOrder[arc]!;
    return this.inputOrderDropped ? -1 : arc;
  }

  /** The source vertex of the arc at CSR index `arc` (a binary search over outOffsets). */
  sourceOf(arc: number): number {
    const offsets = this.outOffsets;
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (offsets[mid]! <= arc) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** An arc as a person finds it in the input: `arc 17 (3 -> 5)`, input index and input ids. */
  describeArc(arc: number): string {
    const ends = `${this.toInputId(this.sourceOf(arc))} -> ${this.toInputId(this.outTargets[arc]!)}`;
    const index = this.arcInputIndex(arc);
    return index >= 0 ? `arc ${index} (${ends})` : `arc ${ends}`;
  }

  /** Bytes this graph holds in shared memory and on the JavaScript heap. */
  memoryBytes(): { shared: number; heap: number; total: number; perArc: number } {
    const { n, m } = this;
    let shared = (n + 1) * 4 + m * 4;
    if (this.hasInArcs) shared += (n + 1) * 4 + m * 4;
    if (this.weightType === WEIGHT_I32) shared += m * 4;
    if (this.weightType === WEIGHT_F64) shared += m * 8;
    if (this.delayType === DELAY_U8) shared += m;
    if (this.delayType === DELAY_U16) shared += m * 2;
    if (this.regions.neurons >= 0) shared += n * NEURON_STRIDE * 4;
    const heap = (this.vertexIds?.byteLength ?? 0) + (this.arcInputOrder?.byteLength ?? 0);
    const total = shared + heap;
    return { shared, heap, total, perArc: m > 0 ? total / m : 0 };
  }
}

/**
 * The vertex of an input id: the id itself without remapping, else its index in `vertexIds`
 * (sorted ascending, since loaders remap by rank: a binary search). -1 when there is none.
 */
export function vertexOfInputId(vertexIds: Float64Array | null, n: number, id: number): number {
  if (!vertexIds) return Number.isInteger(id) && id >= 0 && id < n ? id : -1;
  let lo = 0;
  let hi = vertexIds.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = vertexIds[mid]!;
    if (value === id) return mid;
    if (value < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function arcError(code: ErrorCode, name: string, field: string, index: number, problem: string): InputError {
  return new InputError(code, `arc ${index}: ${problem}`, { file: name, field });
}

/**
 * Build a graph in the host's shared memory from arc arrays, validating everything once.
 * Loaders that already checked their values (with file and line) pass `trusted` to skip the
 * per-arc range checks; the structure is built the same way.
 */
export interface BuildOptions {
  /** skip per-arc range checks: the caller validated every value already (with file and line) */
  trusted?: boolean;
  /**
   * Build the CSC of in-arcs (default true). Only pull-style algorithms need it (PageRank, BFS's
   * bottom-up steps); a spiking network that only pushes spikes along out-arcs saves 4 bytes per
   * synapse without it.
   */
  inArcs?: boolean;
  /**
   * Keep, for input not already in source order, each arc's input index (`arcInputOrder`, 4 bytes
   * per arc on the JavaScript heap). Default false: only outputs that list arcs in input order need
   * it; without it such a graph's arcs are known by their ends (u -> v) and their CSR index.
   */
  keepInputOrder?: boolean;
}

export function buildGraph(host: WasmHost, input: ArcArrays, options: BuildOptions = {}): NeuromorphicGraph {
  const name = input.name ?? '<arrays>';
  const { n, src, dst, weights, delays } = input;
  if (!Number.isInteger(n) || n < 0 || n > MAX_VERTICES) {
    throw new InputError(ErrorCode.INPUT_RANGE, `vertex count must be an integer in [0, ${MAX_VERTICES}], got ${n}`, { file: name, field: 'n' });
  }
  const m = src.length;
  if (dst.length !== m) throw new InputError(ErrorCode.INPUT_SYNTAX, `src has ${m} entries but dst has ${dst.length}`, { file: name, field: 'dst' });
  if (weights && weights.length !== m) throw new InputError(ErrorCode.INPUT_SYNTAX, `weights has ${weights.length} entries, expected ${m}`, { file: name, field: 'weight' });
  if (delays && delays.length !== m) throw new InputError(ErrorCode.INPUT_SYNTAX, `delays has ${delays.length} entries, expected ${m}`, { file: name, field: 'delay' });
  if (m > MAX_ARCS) throw new InputError(ErrorCode.INPUT_RANGE, `too many arcs: ${m} > ${MAX_ARCS}`, { file: name });
  if (input.vertexIds && input.vertexIds.length !== n) {
    throw new InputError(ErrorCode.INPUT_SYNTAX, `vertexIds has ${input.vertexIds.length} entries, expected ${n}`, { file: name, field: 'vertexIds' });
  }

  // Pass 1: validate, count out-degrees, classify weights and delays, note whether the input is
  // already in source order (then CSR order is input order and no permutation is kept).
  const outOffsets = new Uint32Array(n + 1);
  let sorted = true;
  let previous = 0;
  let weightType: WeightType = WEIGHT_UNIT;
  let minWeight = m > 0 ? Infinity : 0;
  let maxWeight = m > 0 ? -Infinity : 0;
  let minDelay = m > 0 ? Infinity : 1;
  let maxDelay = m > 0 ? -Infinity : 1;
  const trusted = options.trusted === true;
  const withInArcs = options.inArcs !== false;
  for (let i = 0; i < m; i++) {
    const s = src[i]!;
    const d = dst[i]!;
    if (!trusted) {
      if (!(Number.isInteger(s) && s >= 0 && s < n)) throw arcError(ErrorCode.INPUT_RANGE, name, 'src', i, `source ${s} is not a vertex id in [0, ${n})`);
      if (!(Number.isInteger(d) && d >= 0 && d < n)) throw arcError(ErrorCode.INPUT_RANGE, name, 'dst', i, `target ${d} is not a vertex id in [0, ${n})`);
    }
    outOffsets[s + 1]!++;
    if (s < previous) sorted = false;
    previous = s;
    if (weights) {
      const w = weights[i]!;
      if (!Number.isFinite(w)) throw arcError(ErrorCode.INPUT_RANGE, name, 'weight', i, `weight ${w} is not a finite number`);
      if (w < minWeight) minWeight = w;
      if (w > maxWeight) maxWeight = w;
      if (weightType !== WEIGHT_F64 && w !== 1) {
        weightType = Number.isInteger(w) && w >= -0x8000_0000 && w <= 0x7fff_ffff ? WEIGHT_I32 : WEIGHT_F64;
      }
    }
    if (delays) {
      const dl = delays[i]!;
      if (!trusted && !(Number.isInteger(dl) && dl >= 1 && dl <= MAX_DELAY)) {
        throw arcError(ErrorCode.INPUT_RANGE, name, 'delay', i, `delay ${dl} is not an integer in [1, ${MAX_DELAY}]`);
      }
      if (dl < minDelay) minDelay = dl;
      if (dl > maxDelay) maxDelay = dl;
    }
  }
  if (!weights && m > 0) {
    minWeight = 1;
    maxWeight = 1;
  }
  if (!delays) {
    minDelay = 1;
    maxDelay = 1;
  }
  for (let v = 0; v < n; v++) outOffsets[v + 1]! += outOffsets[v]!;

  const delayType: DelayType = minDelay === maxDelay ? DELAY_CONSTANT : maxDelay <= 0xff ? DELAY_U8 : DELAY_U16;
  const neuronRecords = input.neurons ? neuronRecordsFrom(input.neurons, n, name) : null;

  // Allocate every region first (allocation may grow the memory), then take views.
  const regions: GraphRegions = {
    outOffsets: host.allocArray(Uint32Array, n + 1),
    outTargets: host.allocArray(Uint32Array, m),
    outWeights: weightType === WEIGHT_I32 ? host.allocArray(Int32Array, m) : weightType === WEIGHT_F64 ? host.allocArray(Float64Array, m) : -1,
    outDelays: delayType === DELAY_U8 ? host.allocArray(Uint8Array, m) : delayType === DELAY_U16 ? host.allocArray(Uint16Array, m) : -1,
    inOffsets: withInArcs ? host.allocArray(Uint32Array, n + 1) : -1,
    inSources: withInArcs ? host.allocArray(Uint32Array, m) : -1,
    neurons: neuronRecords ? host.allocArray(Int32Array, n * NEURON_STRIDE) : -1,
  };
  host.view(Uint32Array, regions.outOffsets, n + 1).set(outOffsets);
  const targets = host.view(Uint32Array, regions.outTargets, m);
  const weightsI32 = weightType === WEIGHT_I32 ? host.view(Int32Array, regions.outWeights, m) : null;
  const weightsF64 = weightType === WEIGHT_F64 ? host.view(Float64Array, regions.outWeights, m) : null;
  const delays8 = delayType === DELAY_U8 ? host.view(Uint8Array, regions.outDelays, m) : null;
  const delays16 = delayType === DELAY_U16 ? host.view(Uint16Array, regions.outDelays, m) : null;
  let arcInputOrder: Uint32Array | null = null;

  if (sorted) {
    // Already in source order: a bulk copy when the input is a typed array of the right kind.
    copyInto(targets, dst);
    if (weightsI32) copyInto(weightsI32, weights!);
    if (weightsF64) copyInto(weightsF64, weights!);
    if (delays8) copyInto(delays8, delays!);
    if (delays16) copyInto(delays16, delays!);
  } else {
    // Stable counting sort by source: CSR order keeps input order among a vertex's out-arcs.
    // Weights and delays move in the same pass (one random write stream each, no permutation
    // gathered afterwards): this scatter is most of a large unsorted load.
    if (options.keepInputOrder) arcInputOrder = new Uint32Array(m);
    const weightOut = weightsI32 ?? weightsF64;
    const delayOut = delays8 ?? delays16;
    const cursor = outOffsets.slice(0, n);
    for (let i = 0; i < m; i++) {
      const position = cursor[src[i]!]!++;
      targets[position] = dst[i]!;
      if (arcInputOrder) arcInputOrder[position] = i;
      if (weightOut) weightOut[position] = weights![i]!;
      if (delayOut) delayOut[position] = delays![i]!;
    }
  }

  if (withInArcs) {
    fillInArcs(outOffsets, targets, host.view(Uint32Array, regions.inOffsets, n + 1), host.view(Uint32Array, regions.inSources, m));
  }
  if (neuronRecords) host.view(Int32Array, regions.neurons, n * NEURON_STRIDE).set(neuronRecords);

  return new NeuromorphicGraph(host, {
    n,
    m,
    weightType,
    delayType,
    constantDelay: delayType === DELAY_CONSTANT ? minDelay : 0,
    maxDelay,
    regions,
    vertexIds: input.vertexIds ?? null,
    arcInputOrder,
    inputOrderDropped: !sorted && !arcInputOrder,
    name,
    minWeight,
    maxWeight,
  });
}

/**
 * CSC from CSR: count in-degrees, then walk CSR in order so that each vertex's in-arcs come in
 * CSR order (global arc order), whatever the partition later does.
 */
export function fillInArcs(outOffsets: Uint32Array, outTargets: Uint32Array, inOffsets: Uint32Array, inSources: Uint32Array): void {
  const n = outOffsets.length - 1;
  const m = outTargets.length;
  inOffsets.fill(0);
  for (let k = 0; k < m; k++) inOffsets[outTargets[k]! + 1]!++;
  for (let v = 0; v < n; v++) inOffsets[v + 1]! += inOffsets[v]!;
  const cursor = inOffsets.slice(0, n);
  for (let u = 0; u < n; u++) {
    const end = outOffsets[u + 1]!;
    for (let k = outOffsets[u]!; k < end; k++) inSources[cursor[outTargets[k]!]!++] = u;
  }
}

function copyInto(out: Uint32Array | Int32Array | Float64Array | Uint8Array | Uint16Array, values: ArrayLike<number>): void {
  if (ArrayBuffer.isView(values)) out.set(values as unknown as ArrayLike<number>);
  else for (let i = 0; i < out.length; i++) out[i] = values[i]!;
}

/** Validate neuron columns and pack them into NEURON_STRIDE records, defaults filled in. */
export function neuronRecordsFrom(columns: NeuronColumns, n: number, name = '<arrays>'): Int32Array {
  for (const key of Object.keys(columns)) {
    if (!(NEURON_FIELDS as readonly string[]).includes(key)) {
      throw new InputError(ErrorCode.INPUT_SYNTAX, `unknown neuron parameter "${key}" (known: ${NEURON_FIELDS.join(', ')})`, { file: name, field: key });
    }
  }
  const records = new Int32Array(n * NEURON_STRIDE);
  NEURON_FIELDS.forEach((field, slot) => {
    const column = columns[field];
    const [low, high] = NEURON_RANGES[field];
    if (column && column.length !== n) {
      throw new InputError(ErrorCode.INPUT_SYNTAX, `neuron column ${field} has ${column.length} entries, expected ${n}`, { file: name, field });
    }
    for (let i = 0; i < n; i++) {
      const value = column ? column[i]! : NEURON_DEFAULTS[field];
      if (!(Number.isInteger(value) && value >= low && value <= high)) {
        throw new InputError(ErrorCode.INPUT_RANGE, `neuron ${i}: ${field} ${value} is not an integer in [${low}, ${high}]`, { file: name, field });
      }
      records[i * NEURON_STRIDE + slot] = value;
    }
  });
  return records;
}

/** Check that an option value is a vertex of the graph (input ids), returning the internal id. */
export function vertexOption(graph: NeuromorphicGraph, option: string, inputId: number): number {
  const v = graph.fromInputId(inputId);
  if (v < 0) throw new OptionsError(option, `must be a vertex id of the graph (n = ${graph.n})`, inputId);
  return v;
}
