/**
 * The Node file loader: picks the parser by extension and feeds it the file in 4 MiB chunks read
 * with `fs.readSync`, so the text is never held whole (gzip: 1 MiB compressed chunks, inflated one
 * at a time). Browsers use the same parsers through `parseGraphBytes` on fetched bytes.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { ErrorCode, InputError } from '../errors.js';
import type { WasmHost } from '../memory/host.js';
import type { NeuromorphicGraph } from './graph.js';
import { finishGraph, formatOfName, readGraphArcs, unknownFormat, type RemapMode } from './parse.js';
import { parseGraphSnapshot } from './snapshot.js';

export interface LoadOptions {
  /** path of a neuron table (CSV/TSV) whose ids are the graph file's ids */
  neurons?: string;
  /** sparse-id remapping for edge lists without `# n:` (default 'auto') */
  remap?: RemapMode;
  /** the graph's name (default: the path) */
  name?: string;
  /** called after each chunk read from the graph file: bytes read so far, file size */
  onProgress?: (done: number, total: number) => void;
  /** build the CSC of in-arcs (default true); a LIF-only run may skip it (text formats only) */
  inArcs?: boolean;
  /** keep each arc's input index when the file is not in source order (default false; see BuildOptions) */
  keepInputOrder?: boolean;
}

const TEXT_CHUNK_BYTES = 4 << 20;
const GZIP_CHUNK_BYTES = 1 << 20;

function ioError(path: string, cause: unknown): InputError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new InputError(ErrorCode.INPUT_IO, `cannot read the file (${reason})`, { file: path }, { cause });
}

/**
 * Read a file as chunks. Plain text reuses one buffer (the parsers copy what they keep); gzip
 * input gets a fresh buffer per chunk because the inflater holds on to unconsumed input.
 */
function* fileChunks(path: string, chunkBytes: number, reuse: boolean, onProgress?: (done: number, total: number) => void): Generator<Uint8Array> {
  let descriptor: number;
  let total: number;
  try {
    descriptor = openSync(path, 'r');
  } catch (cause) {
    throw ioError(path, cause);
  }
  try {
    try {
      total = fstatSync(descriptor).size;
    } catch (cause) {
      throw ioError(path, cause);
    }
    let buffer = new Uint8Array(chunkBytes);
    let done = 0;
    for (;;) {
      if (!reuse) buffer = new Uint8Array(chunkBytes);
      let read: number;
      try {
        read = readSync(descriptor, buffer, 0, chunkBytes, null);
      } catch (cause) {
        throw ioError(path, cause);
      }
      if (read === 0) break;
      done += read;
      onProgress?.(done, Math.max(total, done));
      yield read === chunkBytes ? buffer : buffer.subarray(0, read);
    }
  } finally {
    closeSync(descriptor);
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (cause) {
    throw ioError(path, cause);
  }
}

function readWholeFile(path: string, onProgress?: (done: number, total: number) => void): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const chunk of fileChunks(path, TEXT_CHUNK_BYTES, false, onProgress)) {
    parts.push(chunk);
    length += chunk.length;
  }
  const whole = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.length;
  }
  return whole;
}

/**
 * Load a graph file: `.el`/`.txt` (edge list), `.mtx` (Matrix Market), `.graph` (METIS), each
 * optionally `.gz`, or `.nmg` (binary snapshot), with an optional neuron table. Synchronous.
 */
export function loadGraph(host: WasmHost, path: string, options: LoadOptions = {}): NeuromorphicGraph {
  const implied = formatOfName(path);
  if (!implied) throw unknownFormat(path);
  if (implied.format === 'nmg') {
    if (options.neurons !== undefined) {
      throw new InputError(ErrorCode.INPUT_FORMAT, 'a snapshot carries its own neuron parameters: a neuron table applies to text graphs only', { file: options.neurons });
    }
    // errors name the path; the graph keeps the name stored in the snapshot
    return parseGraphSnapshot(host, readWholeFile(path, options.onProgress), path);
  }
  const gzip = implied.gzip;
  const chunks = fileChunks(path, gzip ? GZIP_CHUNK_BYTES : TEXT_CHUNK_BYTES, !gzip, options.onProgress);
  // errors name the path; the graph is called options.name when given
  const parseOptions = { name: path, remap: options.remap, gzip, sizeHint: gzip ? 0 : fileSize(path), inArcs: options.inArcs, keepInputOrder: options.keepInputOrder };
  const arcs = { ...readGraphArcs(chunks, implied.format, parseOptions), name: options.name ?? path };
  if (options.neurons === undefined) return finishGraph(host, arcs, parseOptions);
  const neuronsPath = options.neurons;
  const tableGzip = neuronsPath.toLowerCase().endsWith('.gz');
  return finishGraph(host, arcs, {
    ...parseOptions,
    neurons: fileChunks(neuronsPath, tableGzip ? GZIP_CHUNK_BYTES : TEXT_CHUNK_BYTES, !tableGzip),
    neuronsName: neuronsPath,
  });
}
