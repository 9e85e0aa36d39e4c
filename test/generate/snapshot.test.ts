import { describe, expect, it } from 'vitest';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { buildGraph, createHostSync, ErrorCode, InputError, type NeuromorphicGraph } from '../../src/index.js';
import { crc32 } from '../../src/input/crc32.js';
import { parseGraphSnapshot, readSnapshotName, saveGraphSnapshot, SNAPSHOT_FORMAT_VERSION } from '../../src/input/snapshot.js';
import { Prng } from '../../src/generate/prng.js';

const host = createHostSync();

/** Everything a graph holds, as plain arrays, for bit-exact comparison (not its name: the loader names it by path). */
function contents(graph: NeuromorphicGraph): Record<string, unknown> {
  const bits = (array: ArrayLike<number> | null) => (array ? Array.from(new Uint8Array((array as Uint8Array).buffer, (array as Uint8Array).byteOffset, (array as Uint8Array).byteLength)) : null);
  return {
    n: graph.n,
    m: graph.m,
    weightType: graph.weightType,
    delayType: graph.delayType,
    constantDelay: graph.constantDelay,
    maxDelay: graph.maxDelay,
    minWeight: graph.minWeight,
    maxWeight: graph.maxWeight,
    outOffsets: bits(graph.outOffsets),
    outTargets: bits(graph.outTargets),
    inOffsets: bits(graph.inOffsets),
    inSources: bits(graph.inSources),
    weightsI32: bits(graph.outWeightsI32),
    weightsF64: bits(graph.outWeightsF64),
    delaysU8: bits(graph.outDelaysU8),
    delaysU16: bits(graph.outDelaysU16),
    neurons: bits(graph.neuronRecords),
    vertexIds: bits(graph.vertexIds),
    arcInputOrder: bits(graph.arcInputOrder),
  };
}

/** A small pseudo-random graph with every optional part present. */
function richGraph(): NeuromorphicGraph {
  const n = 40;
  const m = 300;
  const src: number[] = [];
  const dst: number[] = [];
  const weights: number[] = [];
  const delays: number[] = [];
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8;
  for (let i = 0; i < m; i++) {
    src.push(next() % n);
    dst.push(next() % n);
    weights.push((next() % 2001) / 7 - 100); // real, negative and positive
    delays.push(1 + (next() % 300)); // u16 storage
  }
  const vertexIds = new Float64Array(n);
  for (let v = 0; v < n; v++) vertexIds[v] = 1000 + v * 17;
  const du = Array.from({ length: n }, (_, i) => (i * 37) % 4097);
  const vth = Array.from({ length: n }, (_, i) => -5000 + i * 301);
  return buildGraph(host, { n, src, dst, weights, delays, vertexIds, neurons: { du, vth }, name: 'rich é' });
}

function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('crc32', () => {
  it('matches the standard check values', () => {
    const text = new TextEncoder();
    expect(crc32(text.encode(''))).toBe(0);
    expect(crc32(text.encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(text.encode('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('agrees with zlib on odd lengths and when fed in pieces', () => {
    const bytes = new Uint8Array(10_007);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const whole = crc32(bytes);
    expect(whole).toBe(zlibCrc32(bytes));
    expect(crc32(bytes.subarray(3333), crc32(bytes.subarray(0, 3333)))).toBe(whole);
  });
});

describe('graph snapshot', () => {
  it('round-trips bit-exactly with every optional array present', () => {
    const graph = richGraph();
    const bytes = saveGraphSnapshot(graph);
    expect(String.fromCharCode(...bytes.subarray(4, 8))).toBe('NMG1');
    const back = parseGraphSnapshot(host, bytes, 'rich.nmg');
    expect(contents(back)).toEqual(contents(graph));
    expect(back.name).toBe('rich.nmg');
    expect(readSnapshotName(host, bytes)).toBe('rich é');
    expect(back.weightOf(5)).toBe(graph.weightOf(5));
    // the snapshot is deterministic: saving the loaded graph under its first name gives the same bytes
    const renamed = parseGraphSnapshot(host, bytes, 'rich é');
    expect(Buffer.from(saveGraphSnapshot(renamed)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('round-trips unweighted, integer-weighted, u8-delay, empty and sorted graphs', () => {
    const cases = [
      buildGraph(host, { n: 5, src: [0, 0, 1, 4, 4], dst: [1, 1, 2, 4, 0], name: 'unit' }),
      buildGraph(host, { n: 3, src: [2, 0], dst: [0, 2], weights: [-3, 7], delays: [2, 9] }),
      buildGraph(host, { n: 0, src: [], dst: [], name: 'empty' }),
      buildGraph(host, { n: 7, src: [], dst: [] }),
      buildGraph(host, { n: 2, src: [0, 1], dst: [1, 0], delays: [4, 4] }),
    ];
    for (const graph of cases) {
      const back = parseGraphSnapshot(host, saveGraphSnapshot(graph), 'x.nmg');
      expect(contents(back)).toEqual(contents(graph));
    }
  });

  it('reads a snapshot that sits at an unaligned offset of a larger buffer', () => {
    const graph = richGraph();
    const bytes = saveGraphSnapshot(graph);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(contents(parseGraphSnapshot(host, padded.subarray(3), 'x.nmg'))).toEqual(contents(graph));
  });

  it('rejects every single flipped byte with an InputError', () => {
    const graph = buildGraph(host, { n: 6, src: [0, 1, 2, 5, 3], dst: [1, 2, 0, 5, 4], weights: [1, 2, 3, 4, 2.5], delays: [1, 2, 3, 1, 1], vertexIds: new Float64Array([2, 3, 5, 7, 11, 13]) });
    const bytes = saveGraphSnapshot(graph);
    for (let i = 0; i < bytes.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const corrupt = bytes.slice();
        corrupt[i]! ^= mask;
        const error = errorOf(() => parseGraphSnapshot(host, corrupt, 'flip.nmg'));
        expect(error, `byte ${i} mask ${mask}`).toBeInstanceOf(InputError);
        expect((error as InputError).file).toBe('flip.nmg');
      }
    }
  });

  it('rejects truncation, a wrong identifier and a wrong version with InputErrors', () => {
    const bytes = saveGraphSnapshot(richGraph());
    for (const length of [0, 3, 7, 8, 16, bytes.length >> 1, bytes.length - 1]) {
      const error = errorOf(() => parseGraphSnapshot(host, bytes.slice(0, length), 't.nmg'));
      expect(error, `length ${length}`).toBeInstanceOf(InputError);
    }
    const wrongId = bytes.slice();
    wrongId.set([0x4e, 0x4d, 0x47, 0x32], 4); // "NMG2"
    const idError = errorOf(() => parseGraphSnapshot(host, wrongId, 'id.nmg')) as InputError;
    expect(idError).toBeInstanceOf(InputError);
    expect(idError.field).toBe('identifier');

    // A future version with a valid checksum: rebuilt by patching the version and re-checksumming.
    const future = withPatchedUint32(bytes, 4, SNAPSHOT_FORMAT_VERSION + 1);
    const versionError = errorOf(() => parseGraphSnapshot(host, future, 'v.nmg')) as InputError;
    expect(versionError).toBeInstanceOf(InputError);
    expect(versionError.field).toBe('format_version');
    expect(versionError.code).toBe(ErrorCode.INPUT_FORMAT);
  });

  it('rejects well-checksummed snapshots that break the graph rules', () => {
    const graph = buildGraph(host, { n: 4, src: [0, 1, 2], dst: [1, 2, 3] });
    const bytes = saveGraphSnapshot(graph);
    // n patched from 4 to 3: array lengths no longer agree (and target 3 would be out of range)
    const smaller = withPatchedUint32(bytes, 8, 3);
    expect((errorOf(() => parseGraphSnapshot(host, smaller, 's.nmg')) as InputError).field).toBe('out_offsets');
    // a target patched out of range
    const outTargets = locateVector(bytes, 22);
    const badTarget = resum(bytes, (copy) => new DataView(copy.buffer).setUint32(outTargets, 9, true));
    expect((errorOf(() => parseGraphSnapshot(host, badTarget, 'b.nmg')) as InputError).field).toBe('out_targets');
    // a target changed within range: the CSC no longer matches the CSR
    const wrongTarget = resum(bytes, (copy) => new DataView(copy.buffer).setUint32(outTargets, 3, true));
    expect((errorOf(() => parseGraphSnapshot(host, wrongTarget, 'w.nmg')) as InputError).field).toBe('in_sources');
  });
});

describe('graph snapshot fuzz (1,000 seeded mutations each)', () => {
  const original = richGraph();
  const bytes = saveGraphSnapshot(original);
  const reference = contents(original);

  /** Overwrite, insert, delete or truncate a few bytes at seeded places. */
  function mutate(prng: Prng): Uint8Array {
    let copy = bytes.slice();
    const edits = 1 + prng.nextInt(4);
    for (let e = 0; e < edits; e++) {
      const at = prng.nextInt(copy.length);
      switch (prng.nextInt(4)) {
        case 0:
          copy[at] = prng.nextInt(256);
          break;
        case 1: {
          // a plausible small integer where offsets and lengths live
          new DataView(copy.buffer).setUint32(at & ~3, prng.nextInt(64), true);
          break;
        }
        case 2:
          copy = Uint8Array.from([...copy.subarray(0, at), prng.nextInt(256), ...copy.subarray(at)]);
          break;
        default:
          copy = copy.slice(0, at);
      }
      if (copy.length < 8) break;
    }
    return copy;
  }

  it('random corruption: an InputError whenever the bytes changed (the checksum catches what the structure checks miss)', () => {
    const prng = new Prng(2024);
    let unchanged = 0;
    for (let trial = 0; trial < 1000; trial++) {
      const corrupt = mutate(prng);
      if (corrupt.length === bytes.length && corrupt.every((b, i) => b === bytes[i])) {
        // an edit that wrote the byte already there: must load as the original
        expect(contents(parseGraphSnapshot(host, corrupt, 'same.nmg'))).toEqual(reference);
        unchanged++;
        continue;
      }
      const error = errorOf(() => parseGraphSnapshot(host, corrupt, 'fuzz.nmg'));
      expect(error, `trial ${trial}`).toBeInstanceOf(InputError);
    }
    expect(unchanged).toBeLessThan(50);
  });

  it('forged snapshots (valid checksum after the mutation): an InputError or a valid graph, never another exception', () => {
    const prng = new Prng(99);
    let accepted = 0;
    for (let trial = 0; trial < 1000; trial++) {
      const corrupt = mutate(prng);
      if (corrupt.length < 8 || !hasChecksumField(corrupt)) continue;
      const forged = resum(corrupt, () => {});
      let graph: NeuromorphicGraph | undefined;
      try {
        graph = parseGraphSnapshot(host, forged, 'forged.nmg');
      } catch (error) {
        expect(error, `trial ${trial}: ${String(error)}`).toBeInstanceOf(InputError);
        continue;
      }
      accepted++;
      // Whatever was accepted obeys the graph's rules: it saves and parses back to itself.
      expect(contents(parseGraphSnapshot(host, saveGraphSnapshot(graph), 'again.nmg'))).toEqual(contents(graph));
      const offsets = graph.outOffsets;
      expect(offsets[graph.n]).toBe(graph.m);
      expect(graph.outTargets.every((t) => t < graph.n)).toBe(true);
    }
    // most forgeries change array contents, which the rules catch; some (a changed weight, say) are valid graphs
    expect(accepted).toBeLessThan(1000);
  });
});

/** Whether the root table's checksum field can be located (the forging helper needs it). */
function hasChecksumField(bytes: Uint8Array): boolean {
  try {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const table = view.getUint32(0, true);
    const vtable = table - view.getInt32(table, true);
    const relative = view.getUint16(vtable + 6, true);
    return relative !== 0 && vtable + 8 <= bytes.length && table + relative + 4 <= bytes.length && vtable >= 0;
  } catch {
    return false;
  }
}

// --- helpers that forge snapshots with a valid checksum, to reach the checks behind it ---

function tablePosition(bytes: Uint8Array, slot: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const table = view.getUint32(0, true);
  const vtable = table - view.getInt32(table, true);
  const relative = view.getUint16(vtable + slot, true);
  return table + relative;
}

/** Byte position of the first element of the vector in `slot`. */
function locateVector(bytes: Uint8Array, slot: number): number {
  const at = tablePosition(bytes, slot);
  return at + new DataView(bytes.buffer).getUint32(at, true) + 4;
}

function resum(bytes: Uint8Array, edit: (copy: Uint8Array) => void): Uint8Array {
  const copy = bytes.slice();
  edit(copy);
  const at = tablePosition(copy, 6);
  const view = new DataView(copy.buffer);
  view.setUint32(at, 0, true);
  view.setUint32(at, crc32(copy), true);
  return copy;
}

function withPatchedUint32(bytes: Uint8Array, slot: number, value: number): Uint8Array {
  return resum(bytes, (copy) => new DataView(copy.buffer).setUint32(tablePosition(copy, slot), value, true));
}
