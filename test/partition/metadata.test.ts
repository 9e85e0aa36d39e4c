/**
 * Partition metadata (`.nmp`, src/partition/metadata.ts): round trips are bit-exact, and every
 * kind of damage (a flipped byte anywhere, truncation, another version, another graph, owners out
 * of range behind a valid checksum) is a typed InputError naming the field, never a RangeError or
 * a silently wrong partition.
 */
import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, ErrorCode, InputError, type NeuromorphicGraph } from '../../src/index.js';
import { crc32 } from '../../src/input/crc32.js';
import { partitionEdgeCut } from '../../src/partition/edgecut.js';
import {
  graphFingerprint,
  loadPartitionMetadata,
  PARTITION_METADATA_IDENTIFIER,
  savePartitionMetadata,
} from '../../src/partition/metadata.js';
import { partitionQuality } from '../../src/partition/metrics.js';
import type { PartitionAssignment } from '../../src/partition/plan.js';
import { vertexCut } from '../../src/partition/vertexcut.js';
import { Random } from '../helpers/random.js';

const host = createHostSync();

function randomGraph(seed: number, n: number, m: number): NeuromorphicGraph {
  const random = new Random(seed);
  const src: number[] = [];
  const dst: number[] = [];
  for (let i = 0; i < m; i++) {
    src.push(random.int(0, n - 1));
    dst.push(random.int(0, n - 1));
  }
  return buildGraph(host, { n, src, dst });
}

const graph = randomGraph(11, 60, 240);
const edgeCut = partitionEdgeCut(graph, 4, { seed: 3 });
const vertexCutAssignment = vertexCut(graph, 'hdrf', { k: 5, seed: 9 });

function save(assignment: PartitionAssignment, g = graph): Uint8Array {
  return savePartitionMetadata({ assignment, graph: g, quality: partitionQuality(assignment, g), algorithm: 'pagerank', seed: 42 });
}

/** The error a load throws (fails the test when it does not throw). */
function loadError(bytes: Uint8Array, g?: NeuromorphicGraph): InputError {
  try {
    loadPartitionMetadata(bytes, g, 'saved.nmp');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected the load to fail');
}

/** Rewrite the checksum so that a deliberate edit passes step 2 and reaches the later checks. */
function reseal(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const table = view.getUint32(0, true);
  const vtable = table - view.getInt32(table, true);
  const at = table + view.getUint16(vtable + 6, true);
  view.setUint32(at, 0, true);
  view.setUint32(at, crc32(bytes), true);
  return bytes;
}

describe('partition metadata round trip', () => {
  for (const [name, assignment] of [
    ['edge-cut', edgeCut],
    ['vertex-cut', vertexCutAssignment],
  ] as const) {
    it(`${name}: owners, figures and fingerprint come back; saving again gives the same bytes`, () => {
      const bytes = save(assignment);
      expect(String.fromCharCode(...bytes.subarray(4, 8))).toBe(PARTITION_METADATA_IDENTIFIER);
      const loaded = loadPartitionMetadata(bytes, graph);
      expect(loaded.k).toBe(assignment.k);
      expect(loaded.strategy).toBe(name);
      expect(loaded.algorithm).toBe('pagerank');
      expect(loaded.seed).toBe(42);
      expect([...loaded.assignment.vertexOwner]).toEqual([...assignment.vertexOwner]);
      if (name === 'edge-cut') expect(loaded.assignment.arcOwner).toBeNull();
      else expect([...loaded.assignment.arcOwner!]).toEqual([...assignment.arcOwner!]);
      const quality = partitionQuality(assignment, graph);
      expect(loaded.quality.communicationVolume).toBe(quality.communicationVolume);
      expect(loaded.quality.replicationFactor).toBe(quality.replicationFactor);
      expect(loaded.quality.cutFraction).toBe(quality.cutFraction);
      expect(loaded.quality.emptyParts).toBe(quality.emptyParts);
      expect(loaded.fingerprint).toEqual(graphFingerprint(graph));
      const again = savePartitionMetadata({ assignment: loaded.assignment, fingerprint: loaded.fingerprint, quality: loaded.quality, algorithm: loaded.algorithm, seed: loaded.seed });
      expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    });
  }

  it('reads bytes at an odd offset of a larger buffer (copied, not misread)', () => {
    const bytes = save(vertexCutAssignment);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    const loaded = loadPartitionMetadata(padded.subarray(3), graph);
    expect([...loaded.assignment.arcOwner!]).toEqual([...vertexCutAssignment.arcOwner!]);
  });

  it('an empty graph and k larger than n', () => {
    const empty = buildGraph(host, { n: 0, src: [], dst: [] });
    const assignment: PartitionAssignment = { k: 7, strategy: 'edge-cut', vertexOwner: new Int32Array(0), arcOwner: null };
    const loaded = loadPartitionMetadata(save(assignment, empty), empty);
    expect(loaded.k).toBe(7);
    expect(loaded.assignment.vertexOwner.length).toBe(0);
  });
});

describe('partition metadata rejects damage with a typed error', () => {
  it('every single flipped byte is caught (checksum or structure), never a RangeError', () => {
    const bytes = save(vertexCutAssignment);
    const random = new Random(5);
    // every byte of the header and table region, plus a sample of the owner vectors
    const positions = new Set<number>();
    for (let i = 0; i < Math.min(bytes.length, 256); i++) positions.add(i);
    for (let i = 0; i < 200; i++) positions.add(random.int(0, bytes.length - 1));
    for (const position of positions) {
      const damaged = bytes.slice();
      damaged[position]! ^= 1 << random.int(0, 7);
      const error = loadError(damaged, graph);
      expect([ErrorCode.INPUT_FORMAT, ErrorCode.INPUT_RANGE]).toContain(error.code);
      expect(error.file).toBe('saved.nmp');
    }
  });

  it('every truncation is caught', () => {
    const bytes = save(edgeCut);
    for (let length = 0; length < bytes.length; length += 7) {
      const error = loadError(bytes.subarray(0, length));
      expect(error.code).toBe(ErrorCode.INPUT_FORMAT);
    }
  });

  it('another file kind, another version', () => {
    const bytes = save(edgeCut);
    const other = bytes.slice();
    other.set([0x4e, 0x4d, 0x47, 0x31], 4); // "NMG1", a graph snapshot
    expect(loadError(other).field).toBe('identifier');
    // version 2 behind a valid checksum: the version check itself must refuse it
    const versioned = bytes.slice();
    const view = new DataView(versioned.buffer);
    const table = view.getUint32(0, true);
    const vtable = table - view.getInt32(table, true);
    view.setUint32(table + view.getUint16(vtable + 4, true), 2, true);
    expect(loadError(reseal(versioned)).field).toBe('format_version');
  });

  it('an owner out of range behind a valid checksum', () => {
    const bytes = save(vertexCutAssignment);
    const view = new DataView(bytes.buffer);
    const table = view.getUint32(0, true);
    const vtable = table - view.getInt32(table, true);
    const field = table + view.getUint16(vtable + 22, true); // arc_owner
    const first = field + view.getUint32(field, true) + 4;
    view.setInt32(first + 4 * 17, 5, true); // k = 5: partition 5 does not exist
    const error = loadError(reseal(bytes));
    expect(error.field).toBe('arc_owner');
    expect(error.code).toBe(ErrorCode.INPUT_RANGE);
    expect(error.message).toMatch(/arc 17/);
  });

  it('the wrong graph: other size, or same size and other arcs', () => {
    const bytes = save(edgeCut);
    const bigger = randomGraph(11, 61, 240);
    expect(loadError(bytes, bigger).field).toBe('graph');
    const sameSize = randomGraph(12, 60, 240);
    const error = loadError(bytes, sameSize);
    expect(error.field).toBe('graph');
    expect(error.code).toBe(ErrorCode.INPUT_RANGE);
    // without a graph the same bytes load fine
    expect(loadPartitionMetadata(bytes).k).toBe(4);
  });
});
