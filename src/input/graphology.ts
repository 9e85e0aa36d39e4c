/**
 * Import a graphology graph (duck-typed: no runtime import of graphology, any object with its
 * iteration methods will do).
 *
 * Vertex ids:
 * - keys that are exactly the integers 0..n-1 keep their ids (vertexIds null);
 * - keys that are all non-negative integers, but not 0..n-1, are remapped like sparse edge-list
 *   ids: vertex = rank of the key in numeric order, `vertexIds` maps back (so results come out in
 *   the graph's own ids);
 * - any other keys (strings): vertex = position in node iteration order, vertexIds null.
 * In every case `keys[v]` is the graphology key of vertex v.
 *
 * Arcs: a directed edge gives one arc, an undirected edge two (source -> target, then back), an
 * undirected self-loop one. Arcs follow graphology's edge iteration order. Weights come from
 * `weightAttribute` (an edge without it weighs 1; no edge with it = unweighted), delays from
 * `delayAttribute` (default 1), checked like a file's columns.
 */
import { ErrorCode, InputError } from '../errors.js';
import { MAX_DELAY } from '../memory/layout.js';
import type { WasmHost } from '../memory/host.js';
import { buildGraph, MAX_VERTICES, type NeuromorphicGraph } from './graph.js';

/** The part of graphology's `Graph` interface this import uses. */
export interface GraphologyLike {
  readonly order: number;
  readonly size: number;
  forEachNode(callback: (key: string, attributes: Record<string, unknown>) => void): void;
  forEachEdge(
    callback: (
      edge: string,
      attributes: Record<string, unknown>,
      source: string,
      target: string,
      sourceAttributes: Record<string, unknown>,
      targetAttributes: Record<string, unknown>,
      undirected: boolean,
    ) => void,
  ): void;
}

export interface GraphologyImportOptions {
  weightAttribute?: string;
  delayAttribute?: string;
  name?: string;
}

export interface GraphologyImport {
  graph: NeuromorphicGraph;
  /** keys[v] = the graphology node key of vertex v */
  keys: string[];
}

const CANONICAL_INTEGER = /^(0|[1-9][0-9]{0,15})$/;

export function fromGraphology(host: WasmHost, source: GraphologyLike, options: GraphologyImportOptions = {}): GraphologyImport {
  const name = options.name ?? '<graphology>';
  const weightAttribute = options.weightAttribute ?? 'weight';
  const delayAttribute = options.delayAttribute ?? 'delay';
  const n = source.order;
  if (n > MAX_VERTICES) throw new InputError(ErrorCode.INPUT_RANGE, `too many nodes: ${n}`, { file: name, field: 'n' });

  const keys: string[] = [];
  source.forEachNode((key) => {
    keys.push(key);
  });
  let numeric = true;
  for (const key of keys) {
    if (!CANONICAL_INTEGER.test(key) || Number(key) > Number.MAX_SAFE_INTEGER) {
      numeric = false;
      break;
    }
  }
  const vertexOf = new Map<string, number>();
  let vertexIds: Float64Array | undefined;
  let orderedKeys = keys;
  if (numeric) {
    const ids = Float64Array.from(keys, Number).sort();
    const dense = ids.length === 0 || ids[ids.length - 1] === ids.length - 1;
    if (!dense) vertexIds = ids;
    orderedKeys = Array.from(ids, String);
    orderedKeys.forEach((key, v) => vertexOf.set(key, v));
  } else {
    keys.forEach((key, v) => vertexOf.set(key, v));
  }

  const src: number[] = [];
  const dst: number[] = [];
  const weights: number[] = [];
  const delays: number[] = [];
  let weighted = false;
  let delayed = false;
  source.forEachEdge((edge, attributes, sourceKey, targetKey, _sourceAttributes, _targetAttributes, undirected) => {
    const u = vertexOf.get(sourceKey)!;
    const v = vertexOf.get(targetKey)!;
    let weight = 1;
    const rawWeight = attributes[weightAttribute];
    if (rawWeight !== undefined) {
      weighted = true;
      if (typeof rawWeight !== 'number' || !Number.isFinite(rawWeight)) {
        throw new InputError(ErrorCode.INPUT_RANGE, `edge ${edge}: weight ${String(rawWeight)} is not a finite number`, { file: name, field: weightAttribute });
      }
      weight = rawWeight;
    }
    let delay = 1;
    const rawDelay = attributes[delayAttribute];
    if (rawDelay !== undefined) {
      delayed = true;
      if (typeof rawDelay !== 'number' || !Number.isInteger(rawDelay) || rawDelay < 1 || rawDelay > MAX_DELAY) {
        throw new InputError(ErrorCode.INPUT_RANGE, `edge ${edge}: delay ${String(rawDelay)} is not an integer in [1, ${MAX_DELAY}]`, { file: name, field: delayAttribute });
      }
      delay = rawDelay;
    }
    src.push(u);
    dst.push(v);
    weights.push(weight);
    delays.push(delay);
    if (undirected && u !== v) {
      src.push(v);
      dst.push(u);
      weights.push(weight);
      delays.push(delay);
    }
  });

  const graph = buildGraph(
    host,
    {
      n,
      src: Uint32Array.from(src),
      dst: Uint32Array.from(dst),
      weights: weighted ? Float64Array.from(weights) : undefined,
      delays: delayed ? Uint16Array.from(delays) : undefined,
      vertexIds,
      name,
    },
    { trusted: true },
  );
  return { graph, keys: orderedKeys };
}
