/**
 * The platform-independent loaders: bytes (one array or a sequence of chunks) in, a validated
 * `NeuromorphicGraph` out. The Node loader (load.ts) feeds them file chunks; a browser feeds them
 * fetched bytes. Order of work: parse the arcs, then the neuron table (its ids are the graph
 * file's ids, so it needs the remapping), then build the graph once.
 */
import { ErrorCode, InputError, OptionsError, ResourceError } from '../errors.js';
import { NEURON_STRIDE } from '../memory/layout.js';
import type { WasmHost } from '../memory/host.js';
import { REMAP_MODES, type RemapMode } from './arcs.js';
import { readEdgeList } from './edgelist.js';
import { buildGraph, type ArcArrays, type NeuromorphicGraph } from './graph.js';
import { isGzip, withText } from './gzip.js';
import { chunksOf, type ByteSource } from './lines.js';
import { readMatrixMarket } from './matrixmarket.js';
import { readMetis } from './metis.js';
import { parseNeuronTable } from './neurons.js';

export type { ByteSource } from './lines.js';
export type { RemapMode } from './arcs.js';

/** Text graph formats: edge list, Matrix Market coordinate, METIS. */
export type GraphFormat = 'el' | 'mtx' | 'graph';

export interface ParseOptions {
  /** file name or label used in error messages and as the graph's name */
  name?: string;
  /**
   * Edge lists without `# n:` only: `auto` (default) remaps sparse ids to their rank, `always`
   * remaps whatever the ids, `never` keeps them (n = max id + 1).
   */
  remap?: RemapMode;
  /** `true`: the bytes are gzip; `false`: plain text; omitted: detect the gzip magic number */
  gzip?: boolean;
  /** a neuron table (CSV/TSV, gzip detected) for the graph */
  neurons?: ByteSource;
  /** name of the neuron table in error messages */
  neuronsName?: string;
  /** the text's size in bytes when known (a hint that lets arc arrays grow once); default: the array's length */
  sizeHint?: number;
  /** build the CSC of in-arcs (default true; see BuildOptions.inArcs) */
  inArcs?: boolean;
  /** keep each arc's input index when the input is not in source order (see BuildOptions.keepInputOrder) */
  keepInputOrder?: boolean;
}

export interface ParseGraphOptions extends ParseOptions {
  /** the format; omitted: taken from `name`'s extension */
  format?: GraphFormat;
}

/** File extensions the loaders know, for messages. */
export const KNOWN_EXTENSIONS = ['.el', '.txt', '.mtx', '.graph', '.el.gz', '.txt.gz', '.mtx.gz', '.graph.gz', '.nmg'] as const;

const FORMAT_OF_EXTENSION: Record<string, GraphFormat> = { el: 'el', txt: 'el', mtx: 'mtx', graph: 'graph' };

/**
 * The format and compression a file name implies, or null for an unknown extension.
 * `.nmg` (binary snapshot) is reported as format 'nmg'.
 */
export function formatOfName(name: string): { format: GraphFormat | 'nmg'; gzip: boolean } | null {
  const lower = name.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  const dot = base.lastIndexOf('.');
  const slash = Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\'));
  if (dot <= slash) return null;
  const extension = base.slice(dot + 1);
  if (extension === 'nmg' && !gzip) return { format: 'nmg', gzip: false };
  const format = FORMAT_OF_EXTENSION[extension];
  return format ? { format, gzip } : null;
}

export function unknownFormat(name: string): InputError {
  return new InputError(ErrorCode.INPUT_FORMAT, `unknown graph file extension (known: ${KNOWN_EXTENSIONS.join(', ')})`, { file: name });
}

function checkOptions(options: ParseOptions): void {
  if (options.remap !== undefined && !REMAP_MODES.includes(options.remap)) {
    throw new OptionsError('remap', `must be one of ${REMAP_MODES.join(', ')}`, options.remap);
  }
}

/**
 * Run a parser over the text of `source`: gunzipped when asked, or when the first bytes are the
 * gzip magic number (no text file starts with byte 0x1f).
 */
function withSourceText<T>(source: ByteSource, name: string, gzip: boolean | undefined, parse: (chunks: Iterable<Uint8Array>) => T): T {
  if (gzip !== undefined) return withText(chunksOf(source), name, gzip, parse);
  if (source instanceof Uint8Array) return withText([source], name, isGzip(source), parse);
  // peek at the first non-empty chunk, then hand on an iterable that starts with it
  const iterator = source[Symbol.iterator]();
  let first = iterator.next();
  while (!first.done && first.value.length === 0) first = iterator.next();
  if (first.done) return parse([]);
  const head = first.value;
  const rest: Iterable<Uint8Array> = {
    [Symbol.iterator]: () => {
      let started = false;
      return {
        next: () => {
          if (started) return iterator.next();
          started = true;
          return { value: head, done: false };
        },
        return: (value?: unknown) => iterator.return?.(value) ?? { value: undefined, done: true },
      };
    },
  };
  return withText(rest, name, isGzip(head), parse);
}

function sizeHintOf(source: ByteSource, options: ParseOptions): number {
  if (options.sizeHint !== undefined) return options.sizeHint;
  return source instanceof Uint8Array && !isGzip(source) ? source.length : 0;
}

/** Add the neuron table (if any) and build the graph from arcs the parser already validated. */
export function finishGraph(host: WasmHost, arcs: ArcArrays, options: ParseOptions): NeuromorphicGraph {
  const input: ArcArrays = { ...arcs };
  if (options.neurons !== undefined) {
    const tableName = options.neuronsName ?? '<neuron table>';
    const table = { n: arcs.n, vertexIds: arcs.vertexIds ?? null, name: tableName };
    input.neurons = withSourceText(options.neurons, tableName, undefined, (chunks) => parseNeuronTable(chunks, table));
  }
  reserveMemory(host, input);
  return buildGraph(host, input, { trusted: true, inArcs: options.inArcs, keepInputOrder: options.keepInputOrder });
}

/**
 * Grow the shared memory to what the graph will need before anything is allocated, so that a
 * header declaring more vertices or arcs than this host can hold fails at once, as bad input,
 * instead of after large allocations (or with an untyped RangeError on the JavaScript heap).
 */
function reserveMemory(host: WasmHost, input: ArcArrays): void {
  const { n } = input;
  const m = input.src.length;
  const bytes = 8 * (n + 1) + 8 * m + (input.weights ? 8 * m : 0) + (input.delays ? 2 * m : 0) + (input.neurons ? 4 * NEURON_STRIDE * n : 0) + 64 * 8;
  try {
    host.arena.ensure(host.arena.end + bytes);
  } catch (cause) {
    if (!(cause instanceof ResourceError)) throw cause;
    throw new InputError(
      ErrorCode.INPUT_RANGE,
      `a graph of n = ${n} vertices and m = ${m} arcs needs about ${bytes} bytes of shared memory, more than this host can hold`,
      { file: input.name, field: 'n' },
      { cause },
    );
  }
}

/** Parse an edge list (`src dst [weight [delay]]` per line) into a graph. */
export function parseEdgeList(host: WasmHost, source: ByteSource, options: ParseOptions = {}): NeuromorphicGraph {
  checkOptions(options);
  const name = options.name ?? '<edge list>';
  const totalBytes = sizeHintOf(source, options);
  return finishGraph(host, withSourceText(source, name, options.gzip, (chunks) => readEdgeList(chunks, { name, remap: options.remap, totalBytes })), options);
}

/** Parse a Matrix Market coordinate file into a graph. */
export function parseMatrixMarket(host: WasmHost, source: ByteSource, options: ParseOptions = {}): NeuromorphicGraph {
  checkOptions(options);
  const name = options.name ?? '<matrix market>';
  return finishGraph(host, withSourceText(source, name, options.gzip, (chunks) => readMatrixMarket(chunks, { name })), options);
}

/** Parse a METIS `.graph` file into a graph. */
export function parseMetis(host: WasmHost, source: ByteSource, options: ParseOptions = {}): NeuromorphicGraph {
  checkOptions(options);
  const name = options.name ?? '<metis>';
  return finishGraph(host, withSourceText(source, name, options.gzip, (chunks) => readMetis(chunks, { name })), options);
}

/** Parse arcs of any text format without building (for callers that add to them first). */
export function readGraphArcs(source: ByteSource, format: GraphFormat, options: ParseOptions = {}): ArcArrays {
  checkOptions(options);
  const name = options.name ?? `<${format}>`;
  const totalBytes = sizeHintOf(source, options);
  return withSourceText(source, name, options.gzip, (chunks) => {
    if (format === 'el') return readEdgeList(chunks, { name, remap: options.remap, totalBytes });
    if (format === 'mtx') return readMatrixMarket(chunks, { name });
    return readMetis(chunks, { name });
  });
}

/**
 * Parse graph bytes of a given format (or the format `name`'s extension implies), gzip or not:
 * the browser's entry to the loaders.
 */
export function parseGraphBytes(host: WasmHost, source: ByteSource, options: ParseGraphOptions = {}): NeuromorphicGraph {
  let format = options.format;
  let gzip = options.gzip;
  if (format === undefined) {
    const implied = options.name ? formatOfName(options.name) : null;
    if (!implied || implied.format === 'nmg') throw unknownFormat(options.name ?? '<bytes>');
    format = implied.format;
    gzip ??= implied.gzip ? true : undefined;
  }
  if (format !== 'el' && format !== 'mtx' && format !== 'graph') {
    throw new OptionsError('format', "must be one of 'el', 'mtx', 'graph'", format);
  }
  return finishGraph(host, readGraphArcs(source, format, { ...options, gzip }), options);
}
