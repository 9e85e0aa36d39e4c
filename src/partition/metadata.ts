/**
 * PartitionMetadata (`.nmp`): a partition saved as the FlatBuffer of schemas/partition.fbs and
 * loaded back, with the graph fingerprint that ties it to the graph it was made for.
 *
 * Stored: the owners (vertexOwner; arcOwner except for an edge-cut, whose arcs follow the pull
 * model), k, strategy, algorithm, seed, the quality figures measured when it was made, and the
 * graph's fingerprint (n, m, CRC-32 of its CSR). The plan is rebuilt from the owners
 * (layout.buildPartitionPlan), which is cheaper than reading it and cannot disagree with them.
 *
 * A file is untrusted (the JavaScript FlatBuffers runtime has no verifier), so `loadPartitionMetadata`
 * checks, in this order, before it believes anything:
 *   1. size, file identifier "NMP1", root table, vtable and every field it reads lie inside the buffer;
 *   2. the CRC-32 of the whole buffer (checksum field read as zero) matches the checksum field;
 *   3. format version, strategy, k, owner vector lengths against the fingerprint's n and m;
 *   4. every owner in [0, k);
 *   5. with a graph given: n, m and the CSR's CRC-32 equal the fingerprint.
 * Any failure is an InputError naming the file and the field; nothing is read out of bounds.
 */
import * as flatbuffers from 'flatbuffers';
import { ErrorCode, InputError } from '../errors.js';
import { addTypedVector, checksumOf, fieldPosition, hex, openFrame, readString } from '../flatbuffers.js';
import { crc32 } from '../input/crc32.js';
import { PartitionMetadata as Table, Strategy } from '../generated/partition_generated.js';
import { GraphFingerprint as FingerprintStruct, QualityFigures as QualityStruct } from '../generated/partition_generated.js';
import type { PartitionQuality } from './metrics.js';
import { PARTITION_STRATEGIES, type ArcTopology, type PartitionAssignment, type PartitionStrategy } from './plan.js';

/** The metadata format this code writes and the only one it reads. */
export const PARTITION_METADATA_VERSION = 1;
export const PARTITION_METADATA_IDENTIFIER = 'NMP1';

export interface GraphFingerprint {
  n: number;
  m: number;
  /** CRC-32 of out_offsets then out_targets (little-endian u32) */
  csrCrc32: number;
}

/** The scalar quality figures stored with a partition (metrics.ts PartitionQuality's). */
export interface QualityFigures {
  vertexImbalance: number;
  arcImbalance: number;
  loadImbalance: number;
  cutFraction: number;
  undirectedCutFraction: number;
  replicationFactor: number;
  communicationVolume: number;
  cutArcs: number;
  emptyParts: number;
}

export interface PartitionMetadata {
  formatVersion: number;
  k: number;
  strategy: PartitionStrategy;
  /** the algorithm it was made for, '' when not said */
  algorithm: string;
  seed: number;
  fingerprint: GraphFingerprint;
  quality: QualityFigures;
  /** the owners (arcOwner null for an edge-cut: pull model) */
  assignment: PartitionAssignment;
}

export interface SaveMetadataInput {
  /** an assignment, or a PartitionPlan (it has the same owner fields) */
  assignment: PartitionAssignment;
  /** the graph it partitions (for the fingerprint); not needed when `fingerprint` is given */
  graph?: ArcTopology;
  fingerprint?: GraphFingerprint;
  quality: QualityFigures | PartitionQuality;
  algorithm?: string;
  seed?: number;
}

// Field slots of PartitionMetadata in its vtable: 4 + 2 × (field index in schemas/partition.fbs).
const SLOT = {
  formatVersion: 4,
  checksum: 6,
  k: 8,
  strategy: 10,
  algorithm: 12,
  seed: 14,
  graph: 16,
  quality: 18,
  vertexOwner: 20,
  arcOwner: 22,
} as const;

const STRATEGY_CODES: Record<PartitionStrategy, Strategy> = { 'edge-cut': Strategy.EdgeCut, 'vertex-cut': Strategy.VertexCut, hybrid: Strategy.Hybrid };

/** n, m and the CRC-32 of the CSR: one pass over 4 (n + 1 + m) bytes (about 1 GB/s). */
export function graphFingerprint(graph: ArcTopology): GraphFingerprint {
  const bytesOf = (array: Uint32Array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  const crc = crc32(bytesOf(graph.outTargets), crc32(bytesOf(graph.outOffsets)));
  return { n: graph.n, m: graph.m, csrCrc32: crc };
}

function figuresOf(quality: QualityFigures | PartitionQuality): QualityFigures {
  return {
    vertexImbalance: quality.vertexImbalance,
    arcImbalance: quality.arcImbalance,
    loadImbalance: quality.loadImbalance,
    cutFraction: quality.cutFraction,
    undirectedCutFraction: quality.undirectedCutFraction,
    replicationFactor: quality.replicationFactor,
    communicationVolume: quality.communicationVolume,
    cutArcs: quality.cutArcs,
    emptyParts: quality.emptyParts,
  };
}

/**
 * Save a partition as metadata bytes (8-byte aligned at offset 0 of their own buffer). Owner
 * arrays are copied into the builder in bulk. Does not validate the owners (they come from a
 * partitioner or were checked on load); the reader does.
 */
export function savePartitionMetadata(input: SaveMetadataInput): Uint8Array {
  const { assignment } = input;
  const fingerprint = input.fingerprint ?? (input.graph ? graphFingerprint(input.graph) : null);
  if (!fingerprint) throw new InputError(ErrorCode.INPUT_SYNTAX, 'savePartitionMetadata needs the graph or its fingerprint', { field: 'graph' });
  const quality = figuresOf(input.quality);
  const seed = input.seed ?? 0;
  const arcOwner = assignment.strategy === 'edge-cut' ? null : assignment.arcOwner;
  const builder = new flatbuffers.Builder(Math.min(0x7fff_ffff, 4 * (assignment.vertexOwner.length + (arcOwner?.length ?? 0)) + 512));
  const vertexOwner = addTypedVector(builder, assignment.vertexOwner);
  const arcs = arcOwner ? addTypedVector(builder, arcOwner) : 0;
  const algorithm = builder.createString(input.algorithm ?? '');

  // Defaults forced so every scalar, the checksum above all, is present at a findable position.
  builder.forceDefaults(true);
  Table.startPartitionMetadata(builder);
  Table.addFormatVersion(builder, PARTITION_METADATA_VERSION);
  Table.addChecksum(builder, 0);
  Table.addK(builder, assignment.k);
  Table.addStrategy(builder, STRATEGY_CODES[assignment.strategy]);
  Table.addAlgorithm(builder, algorithm);
  Table.addSeed(builder, seed);
  Table.addGraph(builder, FingerprintStruct.createGraphFingerprint(builder, fingerprint.n, fingerprint.m, fingerprint.csrCrc32));
  Table.addQuality(
    builder,
    QualityStruct.createQualityFigures(
      builder,
      quality.vertexImbalance,
      quality.arcImbalance,
      quality.loadImbalance,
      quality.cutFraction,
      quality.undirectedCutFraction,
      quality.replicationFactor,
      quality.communicationVolume,
      quality.cutArcs,
      quality.emptyParts,
    ),
  );
  Table.addVertexOwner(builder, vertexOwner);
  if (arcs !== 0) Table.addArcOwner(builder, arcs);
  builder.forceDefaults(false);
  builder.finish(Table.endPartitionMetadata(builder), PARTITION_METADATA_IDENTIFIER);

  const bytes = builder.asUint8Array().slice();
  const at = fieldPosition(bytes, SLOT.checksum);
  if (at < 0) throw new Error('internal: partition metadata checksum field missing');
  new DataView(bytes.buffer).setUint32(at, checksumOf(bytes, at), true);
  return bytes;
}

/**
 * Read and validate partition metadata (see the module comment for the checks). With `graph`,
 * also check that it is the graph the partition was made for. `name` (a path) labels errors.
 */
export function loadPartitionMetadata(input: Uint8Array, graph?: ArcTopology, name = '<partition metadata>'): PartitionMetadata {
  // Structure, checksum and version: INPUT_FORMAT (not a partition file we can read); owners out
  // of range or another graph: INPUT_RANGE (a readable file whose content does not fit).
  const fail = (problem: string, field?: string, code: ErrorCode = ErrorCode.INPUT_FORMAT): never => {
    throw new InputError(code, `partition metadata: ${problem}`, { file: name, field });
  };
  const misfit = (problem: string, field: string): never => fail(problem, field, ErrorCode.INPUT_RANGE);
  // The shared readers pass a byte offset as their third argument, not a code.
  const malformed = (problem: string, field: string): never => fail(problem, field);
  // 1. Alignment (a copy when needed: typed views need the owner vectors aligned in memory),
  // identifier, and structure: every field this reader touches lies inside the buffer.
  const frame = openFrame(input, PARTITION_METADATA_IDENTIFIER, 'partition metadata', malformed);
  const { bytes, view, required } = frame;
  const vectorAt = (slot: number, field: string) => frame.vector(slot, field, 4);

  const checksumAt = required(SLOT.checksum, 'checksum', 4);
  const versionAt = required(SLOT.formatVersion, 'format_version', 4);
  const kAt = required(SLOT.k, 'k', 4);
  const strategyAt = required(SLOT.strategy, 'strategy', 1);
  const seedAt = required(SLOT.seed, 'seed', 8);
  const graphAt = required(SLOT.graph, 'graph', FingerprintStruct.sizeOf());
  const qualityAt = required(SLOT.quality, 'quality', QualityStruct.sizeOf());
  const algorithmAt = required(SLOT.algorithm, 'algorithm', 4);
  const vertexVector = vectorAt(SLOT.vertexOwner, 'vertex_owner');
  const arcVector = vectorAt(SLOT.arcOwner, 'arc_owner');

  // 2. Checksum before any content is believed (so a flipped version byte reads as corruption).
  frame.verifyChecksum(checksumAt, 'file');

  // 3. Scalars and lengths.
  const formatVersion = view.getUint32(versionAt, true);
  if (formatVersion !== PARTITION_METADATA_VERSION) fail(`format version ${formatVersion} is not supported (this reader knows ${PARTITION_METADATA_VERSION})`, 'format_version');
  const k = view.getUint32(kAt, true);
  if (!(k >= 1 && k <= 0x7fff_ffff)) fail(`k = ${k} is not in [1, 2^31 - 1]`, 'k');
  const strategyCode = view.getUint8(strategyAt);
  const strategy = PARTITION_STRATEGIES[strategyCode];
  if (strategy === undefined) fail(`unknown strategy code ${strategyCode}`, 'strategy');
  const seed = view.getFloat64(seedAt, true);
  if (!(Number.isSafeInteger(seed) && seed >= 0)) fail(`seed ${seed} is not a safe integer ≥ 0`, 'seed');
  const fingerprint: GraphFingerprint = { n: view.getUint32(graphAt, true), m: view.getUint32(graphAt + 4, true), csrCrc32: view.getUint32(graphAt + 8, true) };
  const double = (index: number) => view.getFloat64(qualityAt + 8 * index, true);
  const quality: QualityFigures = {
    vertexImbalance: double(0),
    arcImbalance: double(1),
    loadImbalance: double(2),
    cutFraction: double(3),
    undirectedCutFraction: double(4),
    replicationFactor: double(5),
    communicationVolume: double(6),
    cutArcs: double(7),
    emptyParts: view.getUint32(qualityAt + 64, true),
  };
  const algorithm = readString(bytes, view, algorithmAt, 'algorithm', malformed);
  if (!vertexVector) fail(`required array is missing (expected n = ${fingerprint.n} elements)`, 'vertex_owner');
  if (vertexVector!.count !== fingerprint.n) fail(`array has ${vertexVector!.count} elements, expected n = ${fingerprint.n}`, 'vertex_owner');
  if (strategy !== 'edge-cut' && !arcVector) fail(`a ${strategy} partition needs arc owners`, 'arc_owner');
  if (strategy === 'edge-cut' && arcVector) fail('an edge-cut partition stores no arc owners (they follow the pull model)', 'arc_owner');
  if (arcVector && arcVector.count !== fingerprint.m) fail(`array has ${arcVector.count} elements, expected m = ${fingerprint.m}`, 'arc_owner');

  // 4. Owners in range (copies: the views alias the caller's bytes).
  const vertexOwner = new Int32Array(bytes.buffer, bytes.byteOffset + vertexVector!.start, vertexVector!.count).slice();
  const arcOwner = arcVector ? new Int32Array(bytes.buffer, bytes.byteOffset + arcVector.start, arcVector.count).slice() : null;
  checkOwners(vertexOwner, k, 'vertex', 'vertex_owner', misfit);
  if (arcOwner) checkOwners(arcOwner, k, 'arc', 'arc_owner', misfit);

  // 5. The graph it was made for.
  if (graph) {
    const actualPrint = graphFingerprint(graph);
    if (actualPrint.n !== fingerprint.n || actualPrint.m !== fingerprint.m) {
      misfit(`made for a graph with n = ${fingerprint.n}, m = ${fingerprint.m}; this graph has n = ${actualPrint.n}, m = ${actualPrint.m}`, 'graph');
    }
    if (actualPrint.csrCrc32 !== fingerprint.csrCrc32) {
      misfit(`made for another graph of the same size (CSR checksum ${hex(fingerprint.csrCrc32)}, this graph's ${hex(actualPrint.csrCrc32)})`, 'graph');
    }
  }
  return { formatVersion, k, strategy: strategy!, algorithm, seed, fingerprint, quality, assignment: { k, strategy: strategy!, vertexOwner, arcOwner } };
}

function checkOwners(owners: Int32Array, k: number, what: string, field: string, misfit: (problem: string, field: string) => never): void {
  for (let i = 0; i < owners.length; i++) {
    const p = owners[i]!;
    if (!(p >= 0 && p < k)) misfit(`${what} ${i}: owner ${p} is not a partition in [0, ${k})`, field);
  }
}
