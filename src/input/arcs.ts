/**
 * Growable arc arrays for the loaders, and the remapping of sparse ids.
 *
 * Ids are held in Uint32Array while they fit (4 bytes each) and promoted once to Float64Array when
 * an id of 2^32 or more appears (exact up to 2^53; such ids are always remapped to dense ones
 * before the graph is built). Weights and delays get arrays only when the file has those columns.
 */
import { ErrorCode, InputError } from '../errors.js';
import { MAX_VERTICES } from './graph.js';

/** How a loader turns the ids it read into vertex ids 0..n-1. */
export type RemapMode = 'auto' | 'always' | 'never';

export const REMAP_MODES: readonly RemapMode[] = ['auto', 'always', 'never'];

const FIRST_CAPACITY = 1 << 12;

export class ArcAccumulator {
  count = 0;
  private capacity: number;
  src32: Uint32Array;
  dst32: Uint32Array;
  src64: Float64Array | null = null;
  dst64: Float64Array | null = null;
  weights: Float64Array | null = null;
  delays: Uint16Array | null = null;
  /**
   * The parser's estimate of the final arc count (0 = unknown). Growing straight to it instead of
   * doubling saves most of the copying on large files (each doubling copies and zero-fills).
   */
  expected = 0;

  constructor(capacityHint = FIRST_CAPACITY) {
    // A hint from a header is untrusted: cap it, the arrays grow anyway.
    this.capacity = Math.max(16, Math.min(capacityHint, 1 << 22));
    this.src32 = new Uint32Array(this.capacity);
    this.dst32 = new Uint32Array(this.capacity);
  }

  get wide(): boolean {
    return this.src64 !== null;
  }

  enableWeights(): void {
    this.weights ??= new Float64Array(this.capacity);
  }

  enableDelays(): void {
    this.delays ??= new Uint16Array(this.capacity);
  }

  /** Append arc `source -> target` (non-negative integers below 2^53); returns its index. */
  add(source: number, target: number): number {
    const index = this.count;
    if (index === this.capacity) this.grow();
    if (this.src64 === null) {
      if (source <= 0xffff_ffff && target <= 0xffff_ffff) {
        this.src32[index] = source;
        this.dst32[index] = target;
        this.count = index + 1;
        return index;
      }
      this.promote();
    }
    this.src64![index] = source;
    this.dst64![index] = target;
    this.count = index + 1;
    return index;
  }

  private grow(): void {
    const capacity = Math.max(this.capacity * 2, Math.min(Math.ceil(this.expected), 0xffff_ffff));
    if (this.src64) {
      this.src64 = growArray(this.src64, capacity);
      this.dst64 = growArray(this.dst64!, capacity);
    } else {
      this.src32 = growArray(this.src32, capacity);
      this.dst32 = growArray(this.dst32, capacity);
    }
    if (this.weights) this.weights = growArray(this.weights, capacity);
    if (this.delays) this.delays = growArray(this.delays, capacity);
    this.capacity = capacity;
  }

  private promote(): void {
    this.src64 = new Float64Array(this.capacity);
    this.dst64 = new Float64Array(this.capacity);
    this.src64.set(this.src32.subarray(0, this.count));
    this.dst64.set(this.dst32.subarray(0, this.count));
    this.src32 = new Uint32Array(0);
    this.dst32 = new Uint32Array(0);
  }

  weightArray(): Float64Array | undefined {
    return this.weights ? this.weights.subarray(0, this.count) : undefined;
  }

  delayArray(): Uint16Array | undefined {
    return this.delays ? this.delays.subarray(0, this.count) : undefined;
  }
}

function growArray<T extends Uint32Array | Float64Array | Uint16Array>(array: T, capacity: number): T {
  const grown = new (array.constructor as new (length: number) => T)(capacity);
  grown.set(array as never);
  return grown;
}

/** Dense ids for the loaders: the arrays to build from, and the input id of each vertex when remapped. */
export interface DenseIds {
  n: number;
  src: Uint32Array;
  dst: Uint32Array;
  vertexIds?: Float64Array;
}

/**
 * Decide the vertex count and remap ids (edge lists without `# n:`). Sparse means
 * max id + 1 > 2 × distinct ids, or max id ≥ 2^31 − 1 (not a vertex id the kernels can hold);
 * `auto` remaps exactly then, `always` always, `never` never (then a too-large id is an error).
 * Remapped id = rank of the input id in sorted order, so the order of ids is kept.
 */
export function denseIds(arcs: ArcAccumulator, maxId: number, mode: RemapMode, name: string, maxIdLine: number): DenseIds {
  const m = arcs.count;
  const tooLarge = maxId >= MAX_VERTICES;
  if (mode === 'never') {
    if (tooLarge) {
      throw new InputError(ErrorCode.INPUT_RANGE, `vertex id ${maxId} is too large (ids must be below ${MAX_VERTICES}; remap sparse ids with remap: 'auto')`, {
        file: name,
        line: maxIdLine,
      });
    }
    return { n: maxId + 1, src: arcs.src32.subarray(0, m), dst: arcs.dst32.subarray(0, m) };
  }
  // At most 2m distinct ids: when max id + 1 > 4m the ids are sparse without counting them.
  if (!tooLarge && !arcs.wide && maxId + 1 <= 4 * m) {
    const src = arcs.src32.subarray(0, m);
    const dst = arcs.dst32.subarray(0, m);
    const seen = new Uint8Array(maxId + 1);
    for (let i = 0; i < m; i++) {
      seen[src[i]!] = 1;
      seen[dst[i]!] = 1;
    }
    let distinct = 0;
    for (let id = 0; id <= maxId; id++) distinct += seen[id]!;
    if (mode === 'auto' && maxId + 1 <= 2 * distinct) return { n: maxId + 1, src, dst };
    const rank = new Uint32Array(maxId + 1);
    const vertexIds = new Float64Array(distinct);
    let next = 0;
    for (let id = 0; id <= maxId; id++) {
      if (seen[id]) {
        rank[id] = next;
        vertexIds[next++] = id;
      }
    }
    for (let i = 0; i < m; i++) {
      src[i] = rank[src[i]!]!;
      dst[i] = rank[dst[i]!]!;
    }
    return { n: distinct, src, dst, vertexIds };
  }
  // Very sparse or very large ids: sort all ids, drop repeats, find each by binary search.
  const sourceIds = arcs.src64 ? arcs.src64.subarray(0, m) : arcs.src32.subarray(0, m);
  const targetIds = arcs.dst64 ? arcs.dst64.subarray(0, m) : arcs.dst32.subarray(0, m);
  const all = new Float64Array(2 * m);
  all.set(sourceIds, 0);
  all.set(targetIds, m);
  all.sort();
  let distinct = 0;
  for (let i = 0; i < all.length; i++) {
    if (i === 0 || all[i] !== all[i - 1]) all[distinct++] = all[i]!;
  }
  if (distinct > MAX_VERTICES) throw new InputError(ErrorCode.INPUT_RANGE, `too many distinct vertex ids: ${distinct}`, { file: name });
  const vertexIds = all.slice(0, distinct);
  const src = arcs.wide ? new Uint32Array(m) : arcs.src32.subarray(0, m);
  const dst = arcs.wide ? new Uint32Array(m) : arcs.dst32.subarray(0, m);
  for (let i = 0; i < m; i++) {
    src[i] = rankOf(vertexIds, sourceIds[i]!);
    dst[i] = rankOf(vertexIds, targetIds[i]!);
  }
  return { n: distinct, src, dst, vertexIds };
}

function rankOf(sorted: Float64Array, id: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < id) low = middle + 1;
    else high = middle;
  }
  return low;
}
