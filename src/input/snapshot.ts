/**
 * Graph snapshots (`.nmg`): a NeuromorphicGraph saved as the FlatBuffer of schemas/graph.fbs and
 * loaded back with bulk typed-array copies, no parsing and no sorting.
 *
 * A snapshot from disk or the network is untrusted, and the JavaScript FlatBuffers runtime has no
 * verifier: a bad offset would make its readers return garbage or throw a RangeError. So
 * `parseGraphSnapshot` checks, in this order, before it believes anything:
 *   1. size, file identifier "NMG1", the root table and its vtable lie inside the buffer;
 *   2. every vector the table names lies inside the buffer, aligned to its element size;
 *   3. the CRC-32 of the whole buffer (checksum field read as zero) matches the checksum field;
 *   4. format version, n, m, kinds and lengths agree with each other;
 *   5. the graph's own rules: offsets start at 0, never decrease and end at m; ids < n; the CSC is
 *      exactly the transpose of the CSR in CSR order; weights finite; delays in [1, MAX_DELAY];
 *      neuron parameters in range; vertex ids strictly ascending; arc input order a permutation.
 * Any failure is an InputError naming the snapshot and the field. A flipped byte anywhere in the
 * buffer fails step 3 (or an earlier one), so a corrupt file is never half-loaded.
 */
import * as flatbuffers from 'flatbuffers';
import { ErrorCode, InputError } from '../errors.js';
import { addTypedVector, checksumOf, fieldPosition, openFrame, readString } from '../flatbuffers.js';
import type { WasmHost } from '../memory/host.js';
import {
  DELAY_CONSTANT,
  DELAY_U16,
  DELAY_U8,
  MAX_DELAY,
  NEURON_FIELDS,
  NEURON_STRIDE,
  WEIGHT_F64,
  WEIGHT_I32,
  WEIGHT_UNIT,
} from '../memory/layout.js';
import { DelayKind, GraphSnapshot, WeightKind } from '../generated/graph_generated.js';
import { MAX_VERTICES, NEURON_RANGES, NeuromorphicGraph, type DelayType, type GraphRegions, type WeightType } from './graph.js';

/** The snapshot format this code writes and the only one it reads. */
export const SNAPSHOT_FORMAT_VERSION = 1;
export const SNAPSHOT_IDENTIFIER = 'NMG1';

// Field slots of GraphSnapshot in its vtable (byte offset of the field's entry): 4 + 2 * (field
// index in schemas/graph.fbs). Kept here because the reader validates fields before it lets the
// generated accessors touch them.
const SLOT = {
  formatVersion: 4,
  checksum: 6,
  n: 8,
  m: 10,
  weightKind: 12,
  delayKind: 14,
  constantDelay: 16,
  name: 18,
  outOffsets: 20,
  outTargets: 22,
  outWeightsI32: 24,
  outWeightsF64: 26,
  outDelaysU8: 28,
  outDelaysU16: 30,
  inOffsets: 32,
  inSources: 34,
  neurons: 36,
  vertexIds: 38,
  arcInputOrder: 40,
} as const;

type TypedArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

/**
 * Save a graph as a snapshot: the FlatBuffer bytes, 8-byte aligned at offset 0 of their own buffer.
 * Arrays are copied into the builder's buffer in bulk (per-element builders cost ~13 ns a value,
 * STACK.md). Costs one pass of CRC-32 over the result (about 1 GB/s).
 */
export function saveGraphSnapshot(graph: NeuromorphicGraph): Uint8Array {
  const { n, m } = graph;
  const neurons = graph.neuronRecords;
  // Everything the vectors need, plus room for the table, vtable and alignment padding.
  const estimate =
    graph.memoryBytes().total + 4 * 16 + 8 * 16 + 256 + new TextEncoder().encode(graph.name).length;
  const builder = new flatbuffers.Builder(Math.min(estimate, 0x7fff_ffff));

  // Vectors first (a FlatBuffer is built back to front; tables refer to finished vectors).
  const vector = (array: TypedArray | null): number => (array ? addTypedVector(builder, array) : 0);
  const outOffsets = vector(graph.outOffsets);
  const outTargets = vector(graph.outTargets);
  const outWeightsI32 = vector(graph.outWeightsI32);
  const outWeightsF64 = vector(graph.outWeightsF64);
  const outDelaysU8 = vector(graph.outDelaysU8);
  const outDelaysU16 = vector(graph.outDelaysU16);
  const inOffsets = vector(graph.inOffsets);
  const inSources = vector(graph.inSources);
  const neuronVector = vector(neurons);
  const vertexIds = vector(graph.vertexIds);
  const arcInputOrder = vector(graph.arcInputOrder);
  const name = builder.createString(graph.name);

  // Force defaults so the checksum field is always present (its position is patched below).
  builder.forceDefaults(true);
  GraphSnapshot.startGraphSnapshot(builder);
  GraphSnapshot.addFormatVersion(builder, SNAPSHOT_FORMAT_VERSION);
  GraphSnapshot.addChecksum(builder, 0);
  GraphSnapshot.addN(builder, n);
  GraphSnapshot.addM(builder, m);
  GraphSnapshot.addWeightKind(builder, weightKindOf(graph.weightType));
  GraphSnapshot.addDelayKind(builder, delayKindOf(graph.delayType));
  GraphSnapshot.addConstantDelay(builder, graph.delayType === DELAY_CONSTANT ? graph.constantDelay : 1);
  GraphSnapshot.addName(builder, name);
  builder.forceDefaults(false);
  // Absent vectors (offset 0) are simply not added.
  const add = (slot: (b: flatbuffers.Builder, o: number) => void, offset: number): void => {
    if (offset !== 0) slot(builder, offset);
  };
  add(GraphSnapshot.addOutOffsets, outOffsets);
  add(GraphSnapshot.addOutTargets, outTargets);
  add(GraphSnapshot.addOutWeightsI32, outWeightsI32);
  add(GraphSnapshot.addOutWeightsF64, outWeightsF64);
  add(GraphSnapshot.addOutDelaysU8, outDelaysU8);
  add(GraphSnapshot.addOutDelaysU16, outDelaysU16);
  add(GraphSnapshot.addInOffsets, inOffsets);
  add(GraphSnapshot.addInSources, inSources);
  add(GraphSnapshot.addNeurons, neuronVector);
  add(GraphSnapshot.addVertexIds, vertexIds);
  add(GraphSnapshot.addArcInputOrder, arcInputOrder);
  const root = GraphSnapshot.endGraphSnapshot(builder);
  builder.finish(root, SNAPSHOT_IDENTIFIER);

  // A copy at offset 0 of a fresh buffer: the builder's buffer starts wherever it ended up, and
  // readers want 8-byte alignment for the f64 vectors.
  const bytes = builder.asUint8Array().slice();
  const checksumAt = fieldPosition(bytes, SLOT.checksum);
  if (checksumAt < 0) throw new Error('internal: snapshot checksum field missing');
  new DataView(bytes.buffer).setUint32(checksumAt, checksumOf(bytes, checksumAt), true);
  return bytes;
}

function weightKindOf(type: WeightType): WeightKind {
  return type === WEIGHT_I32 ? WeightKind.I32 : type === WEIGHT_F64 ? WeightKind.F64 : WeightKind.Unit;
}

function delayKindOf(type: DelayType): DelayKind {
  return type === DELAY_U8 ? DelayKind.U8 : type === DELAY_U16 ? DelayKind.U16 : DelayKind.Constant;
}

/**
 * Parse and validate a snapshot, building the graph in the host's shared memory. `name` (the file
 * path) labels errors and names the graph, as the text loaders do; `readSnapshotName` gives the
 * name stored inside.
 */
export function parseGraphSnapshot(host: WasmHost, input: Uint8Array, name: string): NeuromorphicGraph {
  const fail = (problem: string, field?: string): never => {
    throw new InputError(ErrorCode.INPUT_FORMAT, `graph snapshot: ${problem}`, { file: name, field });
  };
  // 1-2. Alignment (a copy when needed), identifier, and structure: every field this reader will
  // touch lies inside the buffer (src/flatbuffers.ts openFrame checks each access).
  const frame = openFrame(input, SNAPSHOT_IDENTIFIER, 'a snapshot', fail);
  const { bytes, view, position } = frame;
  const scalar = (slot: number, field: string, size: 1 | 2 | 4, fallback: number): number => {
    const at = position(slot, field, size);
    if (at < 0) return fallback;
    return size === 1 ? view.getUint8(at) : size === 2 ? view.getUint16(at, true) : view.getUint32(at, true);
  };

  const checksumAt = position(SLOT.checksum, 'checksum', 4);
  if (checksumAt < 0) fail('checksum field is missing', 'checksum');
  const version = scalar(SLOT.formatVersion, 'format_version', 4, 0);
  // 3. Checksum before any content is believed (a version check first would let a flipped version
  // byte report a misleading "unsupported version").
  frame.verifyChecksum(checksumAt, 'file');
  if (version !== SNAPSHOT_FORMAT_VERSION) fail(`format version ${version} is not supported (this reader knows ${SNAPSHOT_FORMAT_VERSION})`, 'format_version');

  // 4. Scalars and lengths.
  const n = scalar(SLOT.n, 'n', 4, 0);
  const m = scalar(SLOT.m, 'm', 4, 0);
  if (n > MAX_VERTICES) fail(`n = ${n} exceeds ${MAX_VERTICES}`, 'n');
  const weightKind = scalar(SLOT.weightKind, 'weight_kind', 1, WeightKind.Unit);
  const delayKind = scalar(SLOT.delayKind, 'delay_kind', 1, DelayKind.Constant);
  const constantDelayField = scalar(SLOT.constantDelay, 'constant_delay', 2, 1);
  if (weightKind > WeightKind.F64) fail(`unknown weight kind ${weightKind}`, 'weight_kind');
  if (delayKind > DelayKind.U16) fail(`unknown delay kind ${delayKind}`, 'delay_kind');

  // The stored name is checked (valid UTF-8 inside the buffer) but the graph is named by the caller,
  // as the text loaders name it: by its path, which is what error messages downstream should show.
  const nameAt = position(SLOT.name, 'name', 4);
  if (nameAt >= 0) readString(bytes, view, nameAt, 'name', fail);

  // Typed views straight onto the snapshot bytes (validated above, so in bounds and aligned).
  type Ctor<T> = { new (buffer: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number };
  const array = <T>(Type: Ctor<T>, slot: number, field: string, expected: number | null): T | null => {
    const found = frame.vector(slot, field, Type.BYTES_PER_ELEMENT);
    if (!found) {
      if (expected !== null) fail(`required array is missing (expected ${expected} elements)`, field);
      return null;
    }
    if (expected === null) fail(`array is present but the header says it should not be`, field);
    if (found.count !== expected) fail(`array has ${found.count} elements, expected ${expected}`, field);
    return new Type(bytes.buffer, bytes.byteOffset + found.start, found.count);
  };
  const optional = <T>(Type: Ctor<T>, slot: number, field: string, expected: number): T | null => {
    const found = frame.vector(slot, field, Type.BYTES_PER_ELEMENT);
    if (!found) return null;
    if (found.count !== expected) fail(`array has ${found.count} elements, expected ${expected}`, field);
    return new Type(bytes.buffer, bytes.byteOffset + found.start, found.count);
  };

  const outOffsets = array(Uint32Array, SLOT.outOffsets, 'out_offsets', n + 1)!;
  const outTargets = array(Uint32Array, SLOT.outTargets, 'out_targets', m)!;
  const inOffsets = array(Uint32Array, SLOT.inOffsets, 'in_offsets', n + 1)!;
  const inSources = array(Uint32Array, SLOT.inSources, 'in_sources', m)!;
  const weightsI32 = array(Int32Array, SLOT.outWeightsI32, 'out_weights_i32', weightKind === WeightKind.I32 ? m : null);
  const weightsF64 = array(Float64Array, SLOT.outWeightsF64, 'out_weights_f64', weightKind === WeightKind.F64 ? m : null);
  const delaysU8 = array(Uint8Array, SLOT.outDelaysU8, 'out_delays_u8', delayKind === DelayKind.U8 ? m : null);
  const delaysU16 = array(Uint16Array, SLOT.outDelaysU16, 'out_delays_u16', delayKind === DelayKind.U16 ? m : null);
  const neurons = optional(Int32Array, SLOT.neurons, 'neurons', n * NEURON_STRIDE);
  const vertexIdsView = optional(Float64Array, SLOT.vertexIds, 'vertex_ids', n);
  const arcInputOrderView = optional(Uint32Array, SLOT.arcInputOrder, 'arc_input_order', m);

  // 5. The graph's own rules.
  checkOffsets(outOffsets, m, 'out_offsets', fail);
  checkOffsets(inOffsets, m, 'in_offsets', fail);
  checkIds(outTargets, n, 'out_targets', fail);
  checkIds(inSources, n, 'in_sources', fail);
  checkTranspose(outOffsets, outTargets, inOffsets, inSources, n, fail);

  let minWeight = m > 0 ? 1 : 0;
  let maxWeight = m > 0 ? 1 : 0;
  const weights = weightsI32 ?? weightsF64;
  if (weights) {
    minWeight = Infinity;
    maxWeight = -Infinity;
    let allOne = true;
    for (let k = 0; k < m; k++) {
      const w = weights[k]!;
      if (!Number.isFinite(w)) fail(`arc ${k}: weight ${w} is not a finite number`, 'out_weights_f64');
      if (w < minWeight) minWeight = w;
      if (w > maxWeight) maxWeight = w;
      if (w !== 1) allOne = false;
    }
    if (m === 0) minWeight = maxWeight = 0;
    // Keep the narrowest-storage invariant of buildGraph: downstream code may rely on it.
    if (m > 0 && allOne) fail('stored weights are all 1 but weight kind is not Unit', 'weight_kind');
  }

  let constantDelay = 0;
  let maxDelay = 1;
  if (delayKind === DelayKind.Constant) {
    if (constantDelayField < 1 || constantDelayField > MAX_DELAY) fail(`constant delay ${constantDelayField} is not in [1, ${MAX_DELAY}]`, 'constant_delay');
    constantDelay = constantDelayField;
    maxDelay = constantDelayField;
  } else {
    const delays = (delaysU8 ?? delaysU16)!;
    for (let k = 0; k < m; k++) {
      const d = delays[k]!;
      if (d < 1) fail(`arc ${k}: delay ${d} is not in [1, ${MAX_DELAY}]`, delayKind === DelayKind.U8 ? 'out_delays_u8' : 'out_delays_u16');
      if (d > maxDelay) maxDelay = d;
    }
  }

  if (neurons) {
    NEURON_FIELDS.forEach((field, slot) => {
      const [low, high] = NEURON_RANGES[field];
      for (let i = 0; i < n; i++) {
        const value = neurons[i * NEURON_STRIDE + slot]!;
        if (value < low || value > high) fail(`neuron ${i}: ${field} ${value} is not in [${low}, ${high}]`, 'neurons');
      }
    });
  }
  if (vertexIdsView) {
    for (let v = 0; v < n; v++) {
      const id = vertexIdsView[v]!;
      // Loaders remap sparse ids by rank, and fromInputId binary-searches: ascending, finite.
      if (!Number.isFinite(id) || (v > 0 && !(id > vertexIdsView[v - 1]!))) fail(`vertex ${v}: id ${id} is not finite and strictly ascending`, 'vertex_ids');
    }
  }
  if (arcInputOrderView) {
    // A bitmap (m / 8 bytes) rather than a byte per arc: it stays in cache for 16M arcs.
    const seen = new Uint32Array(Math.ceil(m / 32));
    for (let k = 0; k < m; k++) {
      const index = arcInputOrderView[k]!;
      const bit = 1 << (index & 31);
      if (index >= m || seen[index >>> 5]! & bit) fail(`arc ${k}: input index ${index} is out of range or repeated`, 'arc_input_order');
      seen[index >>> 5]! |= bit;
    }
  }

  // Build the graph: allocate every region first (allocation may grow the memory), then copy.
  const regions: GraphRegions = {
    outOffsets: host.allocArray(Uint32Array, n + 1),
    outTargets: host.allocArray(Uint32Array, m),
    outWeights: weightsI32 ? host.allocArray(Int32Array, m) : weightsF64 ? host.allocArray(Float64Array, m) : -1,
    outDelays: delaysU8 ? host.allocArray(Uint8Array, m) : delaysU16 ? host.allocArray(Uint16Array, m) : -1,
    inOffsets: host.allocArray(Uint32Array, n + 1),
    inSources: host.allocArray(Uint32Array, m),
    neurons: neurons ? host.allocArray(Int32Array, n * NEURON_STRIDE) : -1,
  };
  host.view(Uint32Array, regions.outOffsets, n + 1).set(outOffsets);
  host.view(Uint32Array, regions.outTargets, m).set(outTargets);
  if (weightsI32) host.view(Int32Array, regions.outWeights, m).set(weightsI32);
  if (weightsF64) host.view(Float64Array, regions.outWeights, m).set(weightsF64);
  if (delaysU8) host.view(Uint8Array, regions.outDelays, m).set(delaysU8);
  if (delaysU16) host.view(Uint16Array, regions.outDelays, m).set(delaysU16);
  host.view(Uint32Array, regions.inOffsets, n + 1).set(inOffsets);
  host.view(Uint32Array, regions.inSources, m).set(inSources);
  if (neurons) host.view(Int32Array, regions.neurons, n * NEURON_STRIDE).set(neurons);

  const weightType: WeightType = weightsI32 ? WEIGHT_I32 : weightsF64 ? WEIGHT_F64 : WEIGHT_UNIT;
  const delayType: DelayType = delaysU8 ? DELAY_U8 : delaysU16 ? DELAY_U16 : DELAY_CONSTANT;
  return new NeuromorphicGraph(host, {
    n,
    m,
    weightType,
    delayType,
    constantDelay,
    maxDelay,
    regions,
    // Copies: the views above alias the caller's bytes, which the caller may reuse.
    vertexIds: vertexIdsView ? vertexIdsView.slice() : null,
    arcInputOrder: arcInputOrderView ? arcInputOrderView.slice() : null,
    name,
    minWeight,
    maxWeight,
  });
}

/** The name stored in a snapshot (the generator's label, say), or null when it has none. Validates the buffer first. */
export function readSnapshotName(host: WasmHost, bytes: Uint8Array): string | null {
  // Cheap enough next to a load, and it keeps one code path that checks offsets before reading.
  const mark = host.arena.mark();
  try {
    parseGraphSnapshot(host, bytes, '<snapshot>');
  } finally {
    host.arena.release(mark);
  }
  const unreachable = (): never => {
    throw new Error('unreachable: validated above');
  };
  const frame = openFrame(bytes, SNAPSHOT_IDENTIFIER, 'a snapshot', unreachable);
  const at = frame.position(SLOT.name, 'name', 4);
  if (at < 0) return null;
  return readString(frame.bytes, frame.view, at, 'name', unreachable);
}

type Fail = (problem: string, field?: string) => never;

function checkOffsets(offsets: Uint32Array, m: number, field: string, fail: Fail): void {
  if (offsets[0] !== 0) fail(`first offset is ${offsets[0]}, expected 0`, field);
  const last = offsets.length - 1;
  for (let v = 0; v < last; v++) {
    if (offsets[v + 1]! < offsets[v]!) fail(`offsets decrease at vertex ${v}`, field);
  }
  if (offsets[last] !== m) fail(`last offset is ${offsets[last]}, expected m = ${m}`, field);
}

function checkIds(ids: Uint32Array, n: number, field: string, fail: Fail): void {
  for (let k = 0; k < ids.length; k++) {
    if (ids[k]! >= n) fail(`arc ${k}: vertex ${ids[k]} is not in [0, ${n})`, field);
  }
}

/** The CSC must be the CSR's transpose with each vertex's in-arcs in CSR order (buildGraph's rule). */
function checkTranspose(outOffsets: Uint32Array, outTargets: Uint32Array, inOffsets: Uint32Array, inSources: Uint32Array, n: number, fail: Fail): void {
  const cursor = inOffsets.slice(0, n);
  for (let u = 0; u < n; u++) {
    const end = outOffsets[u + 1]!;
    for (let k = outOffsets[u]!; k < end; k++) {
      const v = outTargets[k]!;
      const position = cursor[v]!++;
      if (position >= inOffsets[v + 1]! || inSources[position] !== u) fail(`in-arcs of vertex ${v} are not the transpose of the out-arcs`, 'in_sources');
    }
  }
}
