/**
 * Vertex-cut partitioners: arcs are assigned to parts; a vertex has a copy on every part that owns
 * one of its arcs, one of them its master (see plan.ts). Three methods:
 *
 * - `random`: hash each arc's ends (u, v) to a part (PowerGraph's random placement). The baseline.
 * - `grid`: 2D constrained placement. Parts form columns of (nearly) equal height; a vertex's
 *   shard set is its hashed column plus one hashed cell in every other column, and an arc goes to
 *   the less loaded of the two cells where its ends' sets meet. So a vertex has at most
 *   (tallest column) + (columns − 1) ≤ 2√k copies for any k (see `gridShape`).
 * - `hdrf`: High-Degree Replicated First (Petroni, Querzoni, Daudjee, Kamali, Iacoboni, "HDRF:
 *   Stream-Based Partitioning for Power-Law Graphs", CIKM 2015). Arcs stream in a seeded random
 *   order; each goes to the part maximising C_REP + C_BAL, where C_REP rewards parts already holding
 *   u or v (more so for the end with the lower partial degree, so hubs are the ones cut) and C_BAL =
 *   λ (maxLoad − load) / (1 + maxLoad − minLoad). A hard capacity of (1 + imbalance) m / k arcs per
 *   part bounds the imbalance regardless of λ.
 * - `ne`: neighbourhood expansion (Zhang et al., KDD 2017; see `neVertexCut`): grows one part at a
 *   time around a core, taking the boundary vertex with the fewest unassigned arcs. Not streaming,
 *   but O(RF · m + m log n), and by far the lowest replication on the heavy-tailed fixtures.
 *
 * All four are deterministic for a seed, give every arc exactly one owner in [0, k), and choose
 * masters the same way (`assignMasters`): always on a part holding a copy, by default balancing
 * the master count over the parts (see MasterRule; 'most-arcs' is the part holding most of the
 * vertex's arcs, ties by a seeded hash).
 */
import { OptionsError, ResourceError, ErrorCode } from '../errors.js';
import { Prng } from '../generate/prng.js';
import { reverseArcs } from './metrics.js';
import { checkPartitionCount, type ArcTopology, type PartitionAssignment } from './plan.js';

export const VERTEX_CUT_METHODS = ['random', 'grid', 'hdrf', 'ne'] as const;
export type VertexCutMethod = (typeof VERTEX_CUT_METHODS)[number];

export interface VertexCutOptions {
  /** number of parts, ≥ 1 */
  k: number;
  /** seed of the hashes and the stream order (any safe integer; default 0) */
  seed?: number;
  /** how masters are chosen among a vertex's copies (default 'balanced'; see MasterRule) */
  masters?: MasterRule;
}

export interface HdrfOptions extends VertexCutOptions {
  /** weight of the balance term C_BAL (default 1, the paper's choice for a random stream order) */
  lambda?: number;
  /** hard cap on arc imbalance: no part takes more than max(⌈m/k⌉, ⌊(1 + imbalance) m / k⌋) arcs (default 0.03) */
  imbalance?: number;
  /**
   * stream order: 'random', a seeded permutation of the arcs (the paper's setting, default);
   * 'bfs', arcs grouped by source with sources in the order of an undirected breadth-first search
   * (neighbourhoods arrive together, whatever the vertex numbering); 'csr', the graph's own order
   */
  order?: HdrfOrder;
  /**
   * passes over the stream (default 1). Each later pass takes every arc out and places it again
   * with exact degrees and every other arc's part known (restreaming); it keeps a count per
   * (vertex, part), n × k words.
   */
  passes?: number;
}

export const HDRF_ORDERS = ['random', 'bfs', 'csr'] as const;
export type HdrfOrder = (typeof HDRF_ORDERS)[number];

/** The defaults of HdrfOptions. */
export const HDRF_DEFAULT_LAMBDA = 1;
export const HDRF_DEFAULT_IMBALANCE = 0.03;

/**
 * The replica bitsets of HDRF take n × ⌈k/32⌉ words; beyond this many words (1 GiB) the run is
 * refused with a ResourceError rather than thrashing.
 */
const MAX_REPLICA_WORDS = 1 << 28;

/** murmur3's 32-bit finaliser: a bijective mix with full avalanche. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A 32-bit hash of (a, b) under a salt. */
function hashPair(a: number, b: number, salt: number): number {
  return mix32(Math.imul(mix32(a ^ salt), 0x9e3779b1) ^ b);
}

function checkSeed(seed: number | undefined): number {
  if (seed === undefined) return 0;
  if (!Number.isSafeInteger(seed)) throw new OptionsError('seed', 'must be a safe integer', seed);
  return seed;
}

/** Independent 32-bit salts for a seed (one per use, so hashes for rows, columns, ties are unrelated). */
function saltsOf(seed: number, count: number): number[] {
  const random = new Prng(seed);
  return Array.from({ length: count }, () => random.nextU32() | 0);
}

/** The source of every arc, CSR order. */
function arcSources(graph: ArcTopology): Uint32Array {
  const sources = new Uint32Array(graph.m);
  const offsets = graph.outOffsets;
  for (let u = 0; u < graph.n; u++) sources.fill(u, offsets[u]!, offsets[u + 1]!);
  return sources;
}

/**
 * How masters are chosen among the parts holding a copy of a vertex. The choice never changes the
 * replication or the communication volume (every non-master copy is a mirror either way), only
 * where each vertex's update runs, hence the vertex balance.
 * - 'balanced' (default): a vertex with copies on one part has its master there; then each vertex
 *   with copies on several parts, in id order, goes to the one of them with the fewest masters so
 *   far (ties: most of its arcs, then a seeded hash); last, vertices without arcs (which cost no
 *   copy wherever they go) fill the parts with the fewest masters.
 * - 'most-arcs': the part holding most of the vertex's arcs (in and out), ties to the smallest
 *   seeded hash of (vertex, part) so that tied masters spread instead of piling onto part 0; a
 *   vertex without arcs goes to hash(vertex) mod k.
 */
export type MasterRule = 'balanced' | 'most-arcs';
export const MASTER_RULES: readonly MasterRule[] = ['balanced', 'most-arcs'];

/** Masters for a vertex-cut (see MasterRule). O(n + m) with one count per part and a list of the parts touched. */
export function assignMasters(graph: ArcTopology, arcOwner: Int32Array, k: number, seed = 0, rule: MasterRule = 'balanced'): Int32Array {
  if (!MASTER_RULES.includes(rule)) throw new OptionsError('masters', `must be one of ${MASTER_RULES.join(', ')}`, rule);
  const { n } = graph;
  // the 5th and 6th salts of the seed: the methods use the first ones for their own hashes
  const [, , , , tieSalt, isolatedSalt] = saltsOf(checkSeed(seed), 6) as [number, number, number, number, number, number];
  const offsets = graph.outOffsets;
  const { inOffsets, inOwners } = reverseArcs(graph, arcOwner);
  const counts = new Uint32Array(k);
  const touched = new Int32Array(Math.min(k, graph.m + 1));
  const masters = new Int32Array(n).fill(-1);
  const balanced = rule === 'balanced';
  const masterLoads = new PartLoads(k);

  /** Count v's arcs per part into counts/touched; returns how many parts were touched. */
  const tally = (v: number): number => {
    let touchedCount = 0;
    const outEnd = offsets[v + 1]!;
    for (let a = offsets[v]!; a < outEnd; a++) {
      const p = arcOwner[a]!;
      if (counts[p]!++ === 0) touched[touchedCount++] = p;
    }
    const inEnd = inOffsets[v + 1]!;
    for (let i = inOffsets[v]!; i < inEnd; i++) {
      const p = inOwners![i]!;
      if (counts[p]!++ === 0) touched[touchedCount++] = p;
    }
    return touchedCount;
  };
  /** The touched part with the fewest masters (balanced) or most arcs, then smallest hash; clears counts. */
  const choose = (v: number, touchedCount: number): number => {
    let best = -1;
    let bestMasters = 0;
    let bestCount = 0;
    let bestHash = 0;
    for (let t = 0; t < touchedCount; t++) {
      const p = touched[t]!;
      const count = counts[p]!;
      counts[p] = 0;
      const load = balanced ? masterLoads.loads[p]! : 0;
      const hash = hashPair(v, p, tieSalt);
      const better =
        best < 0 ||
        load < bestMasters ||
        (load === bestMasters && (count > bestCount || (count === bestCount && (hash < bestHash || (hash === bestHash && p < best)))));
      if (better) {
        best = p;
        bestMasters = load;
        bestCount = count;
        bestHash = hash;
      }
    }
    return best;
  };

  // first pass: vertices whose copies are all on one part (and, for most-arcs, every vertex)
  for (let v = 0; v < n; v++) {
    const touchedCount = tally(v);
    if (touchedCount === 0) {
      if (!balanced) masters[v] = mix32(v ^ isolatedSalt) % k;
      continue;
    }
    if (balanced && touchedCount > 1) {
      for (let t = 0; t < touchedCount; t++) counts[touched[t]!] = 0;
      continue;
    }
    masters[v] = choose(v, touchedCount);
    if (balanced) masterLoads.add(masters[v]!, 1);
  }
  if (!balanced) return masters;
  // second pass: vertices with copies on several parts, in id order
  for (let v = 0; v < n; v++) {
    if (masters[v] !== -1) continue;
    const touchedCount = tally(v);
    if (touchedCount === 0) continue;
    masters[v] = choose(v, touchedCount);
    masterLoads.add(masters[v]!, 1);
  }
  // last: vertices without arcs, each to the part with the fewest masters (lowest id among equals)
  for (let v = 0; v < n; v++) {
    if (masters[v] !== -1) continue;
    masters[v] = masterLoads.least;
    masterLoads.add(masters[v]!, 1);
  }
  return masters;
}

function vertexCutResult(graph: ArcTopology, arcOwner: Int32Array, k: number, seed: number, rule?: MasterRule): PartitionAssignment {
  return { k, strategy: 'vertex-cut', vertexOwner: assignMasters(graph, arcOwner, k, seed, rule), arcOwner };
}

/** Random hashing of arcs: owner(u -> v) = hash(u, v) mod k. Parallel arcs land together. */
export function randomVertexCut(graph: ArcTopology, options: VertexCutOptions): PartitionAssignment {
  const { k } = options;
  checkPartitionCount(k);
  const seed = checkSeed(options.seed);
  const [salt] = saltsOf(seed, 1) as [number];
  const offsets = graph.outOffsets;
  const targets = graph.outTargets;
  const arcOwner = new Int32Array(graph.m);
  for (let u = 0; u < graph.n; u++) {
    const end = offsets[u + 1]!;
    for (let a = offsets[u]!; a < end; a++) arcOwner[a] = hashPair(u, targets[a]!, salt) % k;
  }
  return vertexCutResult(graph, arcOwner, k, seed, options.masters);
}

/** The shape of the grid for k parts: column heights differ by at most one. */
export interface GridShape {
  columns: number;
  /** height of each column; they sum to k */
  heights: number[];
  /** the first part of each column (parts are numbered column by column) */
  starts: number[];
  /** the most copies a vertex can have: tallest column + columns − 1 (≤ 2√k) */
  replicationBound: number;
}

/**
 * Columns c ∈ {⌊√k⌋, ⌈√k⌉}, whichever gives the lower bound ⌈k/c⌉ + c − 1; that bound is ≤ 2√k for
 * every k (checked for k ≤ 200 000; the test suite checks k ≤ 2000). For a square k it is the
 * familiar √k × √k grid with 2√k − 1.
 */
export function gridShape(k: number): GridShape {
  checkPartitionCount(k);
  const root = Math.sqrt(k);
  let columns = 1;
  let bound = Infinity;
  for (const c of [Math.max(1, Math.floor(root)), Math.ceil(root)]) {
    const candidate = Math.ceil(k / c) + c - 1;
    if (candidate < bound) {
      bound = candidate;
      columns = c;
    }
  }
  const base = Math.floor(k / columns);
  const taller = k % columns;
  const heights = Array.from({ length: columns }, (_, j) => base + (j < taller ? 1 : 0));
  const starts: number[] = [];
  let start = 0;
  for (const height of heights) {
    starts.push(start);
    start += height;
  }
  return { columns, heights, starts, replicationBound: bound };
}

/**
 * 2D grid placement (PowerGraph's constrained "grid"). Each vertex x has a column col(x) (its
 * hash picks a slot in [0, k) and the column holding that slot, so columns are chosen in
 * proportion to their height) and, in every column, a row (another hash, modulo that column's
 * height). Its shard set is its whole column plus its row's cell in every other column. Arc
 * u -> v may go to either cell where the two sets meet, (col(u), row of v) or (col(v), row of u);
 * it goes to the one with fewer arcs so far (the first on a tie), in CSR order. Both choices lie in
 * both ends' sets, so the bound of `gridShape` holds, and the choice of two evens out the columns
 * that hubs would otherwise overload.
 */
export function gridVertexCut(graph: ArcTopology, options: VertexCutOptions): PartitionAssignment {
  const { k } = options;
  const shape = gridShape(k);
  const seed = checkSeed(options.seed);
  const [columnSalt, rowSalt] = saltsOf(seed, 2) as [number, number];
  // columnOfSlot[s]: the column whose parts include part s (parts are numbered column by column)
  const columnOfSlot = new Int32Array(k);
  shape.starts.forEach((start, j) => columnOfSlot.fill(j, start, start + shape.heights[j]!));
  const heights = Int32Array.from(shape.heights);
  const starts = Int32Array.from(shape.starts);
  const offsets = graph.outOffsets;
  const targets = graph.outTargets;
  const arcOwner = new Int32Array(graph.m);
  const loads = new Float64Array(k);
  for (let u = 0; u < graph.n; u++) {
    const columnU = columnOfSlot[mix32(u ^ columnSalt) % k]!;
    const rowHashU = mix32(u ^ rowSalt);
    const end = offsets[u + 1]!;
    for (let a = offsets[u]!; a < end; a++) {
      const v = targets[a]!;
      const first = starts[columnU]! + (mix32(v ^ rowSalt) % heights[columnU]!);
      const columnV = columnOfSlot[mix32(v ^ columnSalt) % k]!;
      const second = starts[columnV]! + (rowHashU % heights[columnV]!);
      const chosen = loads[second]! < loads[first]! ? second : first;
      arcOwner[a] = chosen;
      loads[chosen]!++;
    }
  }
  return vertexCutResult(graph, arcOwner, k, seed, options.masters);
}

/**
 * Part loads with the least-loaded part (lowest id among equals) and the most-loaded part in
 * O(log k): a min and a max segment tree over part indices (leaves past k padded out of the way).
 */
class PartLoads {
  private readonly size: number;
  /** tree[i] = the part with the least load below node i (leaves at size + p) */
  private readonly tree: Int32Array;
  /** heaviest[i] = the part with the most load below node i */
  private readonly heaviest: Int32Array;
  readonly loads: Float64Array;

  constructor(k: number) {
    let size = 1;
    while (size < k) size <<= 1;
    this.size = size;
    this.loads = new Float64Array(size).fill(Infinity);
    this.loads.fill(0, 0, k);
    this.tree = new Int32Array(2 * size);
    for (let p = 0; p < size; p++) this.tree[size + p] = p;
    this.heaviest = new Int32Array(2 * size);
    for (let p = 0; p < size; p++) this.heaviest[size + p] = p < k ? p : 0;
    for (let i = size - 1; i >= 1; i--) {
      this.tree[i] = this.better(this.tree[2 * i]!, this.tree[2 * i + 1]!);
      this.heaviest[i] = this.heavier(this.heaviest[2 * i]!, this.heaviest[2 * i + 1]!);
    }
  }

  private heavier(a: number, b: number): number {
    return this.loads[b]! > this.loads[a]! ? b : a;
  }

  get most(): number {
    return this.heaviest[1]!;
  }

  private better(a: number, b: number): number {
    const la = this.loads[a]!;
    const lb = this.loads[b]!;
    return la < lb || (la === lb && a < b) ? a : b;
  }

  get least(): number {
    return this.tree[1]!;
  }

  add(p: number, amount: number): void {
    this.loads[p]! += amount;
    for (let i = (this.size + p) >> 1; i >= 1; i >>= 1) {
      this.tree[i] = this.better(this.tree[2 * i]!, this.tree[2 * i + 1]!);
      this.heaviest[i] = this.heavier(this.heaviest[2 * i]!, this.heaviest[2 * i + 1]!);
    }
  }
}

/** HDRF streaming vertex-cut (see the module comment). */
export function hdrfVertexCut(graph: ArcTopology, options: HdrfOptions): PartitionAssignment {
  const { k } = options;
  checkPartitionCount(k);
  const seed = checkSeed(options.seed);
  const lambda = options.lambda ?? HDRF_DEFAULT_LAMBDA;
  if (!(Number.isFinite(lambda) && lambda >= 0)) throw new OptionsError('lambda', 'must be a finite number ≥ 0', lambda);
  const slack = options.imbalance ?? HDRF_DEFAULT_IMBALANCE;
  if (!(Number.isFinite(slack) && slack >= 0)) throw new OptionsError('imbalance', 'must be a finite number ≥ 0', slack);
  const order = options.order ?? 'random';
  if (!(HDRF_ORDERS as readonly string[]).includes(order)) throw new OptionsError('order', `must be one of ${HDRF_ORDERS.join(', ')}`, order);
  const passes = options.passes ?? 1;
  if (!(Number.isInteger(passes) && passes >= 1 && passes <= 100)) throw new OptionsError('passes', 'must be an integer in [1, 100]', passes);

  const { n, m } = graph;
  const words = Math.ceil(k / 32);
  if (n * words > MAX_REPLICA_WORDS) {
    throw new ResourceError(ErrorCode.MEMORY, `HDRF replica sets for n = ${n} and k = ${k} need ${n * words * 4} bytes, more than ${MAX_REPLICA_WORDS * 4}`);
  }
  if (passes > 1 && n * k > MAX_REPLICA_WORDS) {
    throw new ResourceError(ErrorCode.MEMORY, `HDRF restreaming (passes ${passes}) for n = ${n} and k = ${k} needs ${n * k * 4} bytes of counts, more than ${MAX_REPLICA_WORDS * 4}; use passes: 1`);
  }
  // replicas[v * words + (p >> 5)] bit (p & 31): part p holds a copy of v
  const replicas = new Uint32Array(n * words);
  // partialDegree[v]: arcs of v streamed so far, the current one included (the paper's δ)
  const partialDegree = new Uint32Array(n);
  const sources = arcSources(graph);
  const targets = graph.outTargets;
  const arcOwner = new Int32Array(m);
  const capacity = Math.max(Math.ceil(m / k), Math.floor(((1 + slack) * m) / k));
  const parts = new PartLoads(k);
  const loads = parts.loads;

  let stream: Uint32Array | null = null;
  if (order === 'bfs') stream = bfsArcOrder(graph, seed);
  else if (order === 'random') {
    // Fisher–Yates under the seed: the paper's random stream order, reproducible
    stream = new Uint32Array(m);
    for (let i = 0; i < m; i++) stream[i] = i;
    const random = new Prng(seed);
    for (let i = m - 1; i > 0; i--) {
      const j = random.nextInt(i + 1);
      const swap = stream[i]!;
      stream[i] = stream[j]!;
      stream[j] = swap;
    }
  }

  const restream = passes > 1;
  // counts[v * k + p]: arcs of v on part p, kept only to take arcs back out when restreaming
  const counts = restream ? new Uint32Array(n * k) : null;
  for (let pass = 0; pass < passes; pass++) {
    for (let s = 0; s < m; s++) {
      const a = stream ? stream[s]! : s;
      const u = sources[a]!;
      const v = targets[a]!;
      const baseU = u * words;
      const baseV = v * words;
      let degreeU: number;
      let degreeV: number;
      if (pass === 0) {
        degreeU = ++partialDegree[u]!;
        degreeV = u === v ? degreeU : ++partialDegree[v]!;
      } else {
        // later passes know every degree and every other arc's part: take this arc out, then place it again
        degreeU = partialDegree[u]!;
        degreeV = partialDegree[v]!;
        const old = arcOwner[a]!;
        parts.add(old, -1);
        if (--counts![u * k + old]! === 0) replicas[baseU + (old >> 5)]! &= ~(1 << (old & 31));
        if (v !== u && --counts![v * k + old]! === 0) replicas[baseV + (old >> 5)]! &= ~(1 << (old & 31));
      }
      const thetaU = degreeU / (degreeU + degreeV);
      const thetaV = 1 - thetaU;
      // g(x, p) = 1 + (1 − θx) when p holds x: the lower-degree end weighs more, so hubs get cut
      const bonusU = 2 - thetaU;
      const bonusV = 2 - thetaV;
      const least = parts.least;
      const minLoad = loads[least]!;
      const maxLoad = loads[parts.most]!;
      const balanceScale = lambda / (1 + maxLoad - minLoad);

      // The least-loaded part is the best part holding neither end; only parts holding u or v can beat it.
      let best = least;
      let bestScore = balanceScale * (maxLoad - minLoad);
      let bestLoad = minLoad;
      if (hasPart(replicas, baseU, least)) bestScore += bonusU;
      if (v !== u && hasPart(replicas, baseV, least)) bestScore += bonusV;
      for (let w = 0; w < words; w++) {
        let bits = replicas[baseU + w]! | replicas[baseV + w]!;
        while (bits !== 0) {
          const low = bits & -bits;
          bits ^= low;
          const p = (w << 5) | (31 - Math.clz32(low));
          if (p === least) continue;
          const load = loads[p]!;
          if (load >= capacity) continue;
          const holdsU = (replicas[baseU + w]! & low) !== 0;
          const holdsV = v !== u && (replicas[baseV + w]! & low) !== 0;
          const score = (holdsU ? bonusU : 0) + (holdsV ? bonusV : 0) + balanceScale * (maxLoad - load);
          if (score > bestScore || (score === bestScore && (load < bestLoad || (load === bestLoad && p < best)))) {
            best = p;
            bestScore = score;
            bestLoad = load;
          }
        }
      }
      arcOwner[a] = best;
      replicas[baseU + (best >> 5)]! |= 1 << (best & 31);
      replicas[baseV + (best >> 5)]! |= 1 << (best & 31);
      if (counts) {
        counts[u * k + best]!++;
        if (v !== u) counts[v * k + best]!++;
      }
      parts.add(best, 1);
    }
  }
  return vertexCutResult(graph, arcOwner, k, seed, options.masters);
}

function hasPart(replicas: Uint32Array, base: number, p: number): boolean {
  return (replicas[base + (p >> 5)]! & (1 << (p & 31))) !== 0;
}

/** One entry point for the three methods. */
export function vertexCut(graph: ArcTopology, method: VertexCutMethod, options: HdrfOptions): PartitionAssignment {
  switch (method) {
    case 'random':
      return randomVertexCut(graph, options);
    case 'grid':
      return gridVertexCut(graph, options);
    case 'hdrf':
      return hdrfVertexCut(graph, options);
    case 'ne':
      return neVertexCut(graph, options);
    default:
      throw new OptionsError('method', `must be one of ${VERTEX_CUT_METHODS.join(', ')}`, method);
  }
}

/** Arcs grouped by source, sources in the order of an undirected BFS (restarts in a seeded random vertex order). */
function bfsArcOrder(graph: ArcTopology, seed: number): Uint32Array {
  const { n, m } = graph;
  const offsets = graph.outOffsets;
  const targets = graph.outTargets;
  const { inOffsets, inSources } = reverseArcs(graph, null);
  const starts = new Uint32Array(n);
  for (let i = 0; i < n; i++) starts[i] = i;
  const random = new Prng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    const swap = starts[i]!;
    starts[i] = starts[j]!;
    starts[j] = swap;
  }
  const queue = new Uint32Array(n);
  const visited = new Uint8Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const root = starts[i]!;
    if (visited[root]) continue;
    visited[root] = 1;
    queue[tail++] = root;
    while (head < tail) {
      const x = queue[head++]!;
      for (let a = offsets[x]!; a < offsets[x + 1]!; a++) {
        const y = targets[a]!;
        if (!visited[y]) { visited[y] = 1; queue[tail++] = y; }
      }
      for (let j = inOffsets[x]!; j < inOffsets[x + 1]!; j++) {
        const y = inSources[j]!;
        if (!visited[y]) { visited[y] = 1; queue[tail++] = y; }
      }
    }
  }
  const stream = new Uint32Array(m);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const x = queue[i]!;
    for (let a = offsets[x]!; a < offsets[x + 1]!; a++) stream[s++] = a;
  }
  return stream;
}

/**
 * A binary min-heap of vertices keyed by a count that only decreases while a vertex is in it
 * (its arcs not yet assigned). Ties go to the lower vertex id, so the order is deterministic.
 */
class VertexHeap {
  private readonly items: Int32Array;
  /** position[v] = index of v in items, or -1 */
  private readonly position: Int32Array;
  size = 0;

  constructor(n: number, private readonly key: Uint32Array) {
    this.items = new Int32Array(n);
    this.position = new Int32Array(n).fill(-1);
  }

  has(v: number): boolean {
    return this.position[v] !== -1;
  }

  private less(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka < kb || (ka === kb && a < b);
  }

  private place(v: number, i: number): void {
    this.items[i] = v;
    this.position[v] = i;
  }

  private up(i: number): void {
    const v = this.items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = this.items[parent]!;
      if (!this.less(v, above)) break;
      this.place(above, i);
      i = parent;
    }
    this.place(v, i);
  }

  private down(i: number): void {
    const v = this.items[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.less(this.items[child + 1]!, this.items[child]!)) child++;
      const below = this.items[child]!;
      if (!this.less(below, v)) break;
      this.place(below, i);
      i = child;
    }
    this.place(v, i);
  }

  push(v: number): void {
    this.place(v, this.size++);
    this.up(this.size - 1);
  }

  /** The key of v was lowered: restore the order. */
  decreased(v: number): void {
    this.up(this.position[v]!);
  }

  pop(): number {
    const top = this.items[0]!;
    this.position[top] = -1;
    const last = this.items[--this.size]!;
    if (this.size > 0) {
      this.place(last, 0);
      this.down(0);
    }
    return top;
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.position[this.items[i]!] = -1;
    this.size = 0;
  }
}

export interface NeOptions extends VertexCutOptions {
  /** hard cap on the imbalance of the balanced load (default 0.03) */
  imbalance?: number;
  /**
   * What a part's load counts besides its arcs: each vertex whose first copy lands on the part
   * costs `vertexLoad` arcs (default 0: balance arcs alone). NE's last parts collect the sparse
   * leftovers, so with arcs alone they hold many more vertices (email-Enron, k = 8: +247% masters,
   * +22% arcs + masters); vertexLoad 1 balances arcs + masters within 3% on every fixture measured,
   * for arc imbalances up to 7% and the same replication.
   */
  vertexLoad?: number;
  /** the paper's NE alone, without the fringe hold-back and the refinement (default false; for comparisons) */
  plain?: boolean;
}

/**
 * Fringe degree = ⌊(mean degree 2m/n) / NE_FRINGE_RATIO⌋, at most NE_FRINGE_MAX. Measured on R-MAT 18
 * (mean 32), seed 1, k = 8, % below random hashing: fringe 0 / 1 / 3 (no refinement) 59.7 / 59.9 /
 * 60.0; 4 / 5 / 8 (refinement on) 60.2 / 60.3 / 59.2 (at 8 the held-back arcs no longer fit under
 * the cap on the parts holding their neighbours). With the defaults (bench/results/replication.json)
 * facebook (fringe 5) and R-MAT gain, email-Enron (3) and pgp (1) lose 0.1-0.4 points of their 74-81%.
 */
const NE_FRINGE_RATIO = 6;
const NE_FRINGE_MAX = 5;
/** Weight of the load term when placing a fringe vertex: a part at the cap costs this many copies (measured: 1 and 3 alike). */
const NE_FRINGE_BALANCE = 1;
/** Passes of `removeCopies`: a second one found 2-4 more moves on R-MAT 18 at the cost of a first one. */
const NE_REFINE_PASSES = 1;
/**
 * `removeCopies` tries vertices of degree ≤ this (hubs, with copies nearly everywhere, are rarely
 * removable and dominate its time), and copies holding ≤ REFINE_MAX_HELD arcs (254: any unsaturated
 * count; 64 flipped 4 of bench select --quick's cheap-vs-exact volume rankings on R-MAT 12)
 */
const REFINE_MAX_DEGREE = 4096;
const REFINE_MAX_HELD = 254;
/** `removeCopies` keeps a byte per (vertex, part); above this many it is skipped rather than risk memory. */
const MAX_REFINE_COUNTS = 1 << 28;

/**
 * Neighbourhood expansion (Zhang, Wu, Zhou, Yu, Sun, "Graph Edge Partitioning via Neighborhood
 * Heuristic", KDD 2017). Parts are grown one at a time on the undirected view: a core C and its
 * boundary S; the boundary vertex with the fewest unassigned arcs moves into the core, its
 * unassigned neighbours join S, and every unassigned arc between a newcomer and S is assigned to
 * the part. A part is done at its share of the remaining load (arcs, plus `vertexLoad` per vertex
 * not yet copied anywhere), never above the cap; the last part
 * takes what is left. When S runs dry (a component is used up) a new seed comes from a seeded
 * random vertex order. Each vertex joins S once per part that holds a copy of it, so the work is
 * O(RF · m + m log n).
 *
 * Two additions to the paper when arcs alone are balanced (vertexLoad 0), both measured on R-MAT
 * 18 at k = 8, where plain NE was 59.7% below random hashing (bench/results/replication.json):
 * - Fringe vertices (degree ≤ `fringeDegree`, see NE_FRINGE_*) keep their arcs to non-fringe
 *   vertices out of the expansion. Expanded, they are cored first (smallest keys) and drag their
 *   higher-degree neighbours into every part's boundary; the leftovers of those neighbours then
 *   fill the last part. Held back, each fringe vertex goes whole, after the expansion, to the part
 *   already holding most of its neighbours (`placeFringe`), which costs no copy where they all are.
 * - A refinement pass (`removeCopies`) deletes a vertex's copy on a part when every arc it has
 *   there can move, within the cap, to parts where the move adds fewer copies than it removes.
 */
export function neVertexCut(graph: ArcTopology, options: NeOptions): PartitionAssignment {
  const { k } = options;
  checkPartitionCount(k);
  const seed = checkSeed(options.seed);
  const slack = options.imbalance ?? HDRF_DEFAULT_IMBALANCE;
  if (!(Number.isFinite(slack) && slack >= 0)) throw new OptionsError('imbalance', 'must be a finite number ≥ 0', slack);
  const vertexLoad = options.vertexLoad ?? 0;
  if (!(Number.isFinite(vertexLoad) && vertexLoad >= 0)) throw new OptionsError('vertexLoad', 'must be a finite number ≥ 0', vertexLoad);
  const { n, m } = graph;
  const targets = graph.outTargets;
  const sources = arcSources(graph);
  const arcOwner = new Int32Array(m).fill(-1);

  // incidence[incidenceOffsets[v] ..]: every arc touching v, out-arcs then in-arcs (a self-loop twice)
  const incidenceOffsets = new Uint32Array(n + 1);
  for (let a = 0; a < m; a++) {
    incidenceOffsets[sources[a]! + 1]!++;
    incidenceOffsets[targets[a]! + 1]!++;
  }
  for (let v = 0; v < n; v++) incidenceOffsets[v + 1]! += incidenceOffsets[v]!;
  const incidence = new Uint32Array(2 * m);
  const cursor = incidenceOffsets.slice(0, n);
  for (let a = 0; a < m; a++) incidence[cursor[sources[a]!]!++] = a;
  for (let a = 0; a < m; a++) incidence[cursor[targets[a]!]!++] = a;
  // remaining[v]: incidences of v whose arc is not assigned yet (the heap key)
  const remaining = new Uint32Array(n);
  for (let v = 0; v < n; v++) remaining[v] = incidenceOffsets[v + 1]! - incidenceOffsets[v]!;

  const seeds = new Uint32Array(n);
  for (let v = 0; v < n; v++) seeds[v] = v;
  const random = new Prng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    const swap = seeds[i]!;
    seeds[i] = seeds[j]!;
    seeds[j] = swap;
  }
  let nextSeed = 0;

  // inBoundary[v] = p + 1 while v is in S (core included) of part p
  const inBoundary = new Int32Array(n);
  const heap = new VertexHeap(n, remaining);
  // covered[v] = 1 once some part holds an arc of v (its first copy costs vertexLoad)
  const covered = new Uint8Array(n);
  let uncovered = 0;
  for (let v = 0; v < n; v++) if (remaining[v]! > 0) uncovered++;
  const capacity = Math.max(Math.ceil((m + vertexLoad * uncovered) / k), Math.floor(((1 + slack) * (m + vertexLoad * uncovered)) / k));
  let unassigned = m;

  // fringe arcs (exactly one end of degree ≤ fringeDegree) stay out of the expansion: owner -2
  // (arcs balanced alone only: with vertexLoad the moved copies would unbalance first copies, measured
  // up to 12% on arcs + masters for R-MAT 18 at k = 16)
  const refine = vertexLoad === 0 && k > 1 && options.plain !== true;
  const fringeDegree = refine ? Math.min(NE_FRINGE_MAX, Math.floor((2 * m) / Math.max(1, n) / NE_FRINGE_RATIO)) : 0;
  let fringeArcs = 0;
  if (fringeDegree > 0) {
    for (let a = 0; a < m; a++) {
      const u = sources[a]!;
      const v = targets[a]!;
      if (u !== v && (degreeOf(incidenceOffsets, u) <= fringeDegree) !== (degreeOf(incidenceOffsets, v) <= fringeDegree)) {
        arcOwner[a] = -2;
        remaining[u]!--;
        remaining[v]!--;
        fringeArcs++;
      }
    }
    unassigned -= fringeArcs;
  }
  // partLoads[p]: what part p holds under the balanced load (arcs + vertexLoad per first copy)
  const partLoads = new Float64Array(k);

  for (let p = 0; p < k - 1 && unassigned > 0; p++) {
    const stamp = p + 1;
    const target = Math.min(capacity, Math.ceil((unassigned + vertexLoad * uncovered) / (k - p)));
    let load = 0;
    let wrapped = false;
    heap.clear();
    // S joins: assign v's unassigned arcs to S members, lowering both ends' keys
    const join = (v: number): void => {
      inBoundary[v] = stamp;
      const end = incidenceOffsets[v + 1]!;
      for (let i = incidenceOffsets[v]!; i < end && load < capacity; i++) {
        const a = incidence[i]!;
        if (arcOwner[a] !== -1) continue;
        const other = sources[a] === v ? targets[a]! : sources[a]!;
        if (inBoundary[other] !== stamp) continue;
        arcOwner[a] = p;
        load++;
        unassigned--;
        remaining[v]!--;
        remaining[other]!--;
        if (!covered[v]) {
          covered[v] = 1;
          uncovered--;
          load += vertexLoad;
        }
        if (!covered[other]) {
          covered[other] = 1;
          uncovered--;
          load += vertexLoad;
        }
        if (heap.has(other)) heap.decreased(other);
      }
      if (remaining[v]! > 0) heap.push(v);
    };
    while (load < target) {
      let x: number;
      if (heap.size > 0) x = heap.pop();
      else {
        // S ran dry: seed from the next vertex (seeded order) with arcs left and not yet in S.
        // The scan wraps once per part, since vertices skipped for an earlier part may serve this one.
        let seedVertex = -1;
        for (;;) {
          while (nextSeed < n && (remaining[seeds[nextSeed]!] === 0 || inBoundary[seeds[nextSeed]!] === stamp)) nextSeed++;
          if (nextSeed < n) {
            seedVertex = seeds[nextSeed]!;
            break;
          }
          if (wrapped) break;
          wrapped = true;
          nextSeed = 0;
        }
        // none left: every unassigned arc has both ends in S, which only the cap allows
        if (seedVertex < 0) break;
        x = seedVertex;
        join(x);
        // x is the only boundary vertex: it moves into the core at once
        if (heap.has(x)) heap.pop();
      }
      // core move: every unassigned neighbour of x joins S
      const end = incidenceOffsets[x + 1]!;
      for (let i = incidenceOffsets[x]!; i < end && load < target; i++) {
        const a = incidence[i]!;
        if (arcOwner[a] !== -1) continue;
        const other = sources[a] === x ? targets[a]! : sources[a]!;
        if (inBoundary[other] !== stamp) join(other);
      }
    }
    partLoads[p] = load;
  }
  // the last part takes every arc left
  for (let a = 0; a < m; a++) {
    if (arcOwner[a] !== -1) continue;
    arcOwner[a] = k - 1;
    partLoads[k - 1]!++;
    const u = sources[a]!;
    const v = targets[a]!;
    if (!covered[u]) { covered[u] = 1; partLoads[k - 1]! += vertexLoad; }
    if (!covered[v]) { covered[v] = 1; partLoads[k - 1]! += vertexLoad; }
  }
  const topology: NeTopology = { n, k, sources, targets, incidenceOffsets, incidence };
  if (fringeArcs > 0) placeFringe(topology, fringeDegree, arcOwner, partLoads, covered, vertexLoad, capacity);
  if (refine) removeCopies(topology, arcOwner, capacity);
  return vertexCutResult(graph, arcOwner, k, seed, options.masters);
}

function degreeOf(incidenceOffsets: Uint32Array, v: number): number {
  return incidenceOffsets[v + 1]! - incidenceOffsets[v]!;
}

/** What NE's helpers share: the arcs' ends and every vertex's incident arcs (out-arcs, then in-arcs). */
interface NeTopology {
  n: number;
  k: number;
  sources: Uint32Array;
  targets: Uint32Array;
  incidenceOffsets: Uint32Array;
  incidence: Uint32Array;
}

/**
 * Each fringe vertex w (id order) takes its held-back arcs (owner −2) to one part: the one holding
 * most of w's other ends and w itself, less NE_FRINGE_BALANCE × (load − least load) / (cap − least
 * load + 1), among the parts where they fit under the cap (none fits: the least loaded). Its
 * neighbours' copies there cost nothing more; each one missing costs a copy.
 */
function placeFringe(topology: NeTopology, fringeDegree: number, arcOwner: Int32Array, partLoads: Float64Array, covered: Uint8Array, vertexLoad: number, capacity: number): void {
  const { n, k, sources, targets, incidenceOffsets, incidence } = topology;
  const words = (k + 31) >>> 5;
  // present[v * words + (p >> 5)] bit (p & 31): part p holds an arc of v
  const present = new Uint32Array(n * words);
  for (let a = 0; a < arcOwner.length; a++) {
    const p = arcOwner[a]!;
    if (p < 0) continue;
    present[sources[a]! * words + (p >> 5)]! |= 1 << (p & 31);
    present[targets[a]! * words + (p >> 5)]! |= 1 << (p & 31);
  }
  const score = new Float64Array(k);
  const tally = (v: number): void => {
    const base = v * words;
    for (let p = 0; p < k; p++) if ((present[base + (p >> 5)]! & (1 << (p & 31))) !== 0) score[p]!++;
  };
  for (let w = 0; w < n; w++) {
    const degree = degreeOf(incidenceOffsets, w);
    if (degree === 0 || degree > fringeDegree) continue;
    score.fill(0);
    tally(w);
    let held = 0;
    // first copies placed with w (w, and neighbours whose every arc was held back), each vertexLoad
    let firsts = covered[w] ? 0 : 1;
    const end = incidenceOffsets[w + 1]!;
    for (let i = incidenceOffsets[w]!; i < end; i++) {
      const a = incidence[i]!;
      if (arcOwner[a] !== -2) continue;
      held++;
      const other = sources[a] === w ? targets[a]! : sources[a]!;
      if (!covered[other]) {
        covered[other] = 1;
        firsts++;
      }
      tally(other);
    }
    if (held === 0) continue;
    const cost = held + firsts * vertexLoad;
    let least = Infinity;
    for (let p = 0; p < k; p++) least = Math.min(least, partLoads[p]!);
    const spread = capacity - least + 1;
    let best = -1;
    for (let p = 0; p < k; p++) {
      if (partLoads[p]! + cost > capacity) continue;
      score[p]! -= (NE_FRINGE_BALANCE * (partLoads[p]! - least)) / spread;
      if (best < 0 || score[p]! > score[best]! || (score[p] === score[best] && partLoads[p]! < partLoads[best]!)) best = p;
    }
    if (best < 0) for (let p = 0; p < k; p++) if (best < 0 || partLoads[p]! < partLoads[best]!) best = p;
    partLoads[best]! += cost;
    covered[w] = 1;
    const bit = 1 << (best & 31);
    present[w * words + (best >> 5)]! |= bit;
    for (let i = incidenceOffsets[w]!; i < end; i++) {
      const a = incidence[i]!;
      if (arcOwner[a] !== -2) continue;
      arcOwner[a] = best;
      present[(sources[a] === w ? targets[a]! : sources[a]!) * words + (best >> 5)]! |= bit;
    }
  }
}

/**
 * Local refinement: for each vertex v (id order) and part q holding v, v's copy on q goes if its
 * arcs there can move, with no part above `capacity` arcs, at fewer copies added than removed:
 * (a) each arc to a part already holding v, the one adding the fewest copies of the other end;
 * failing that, (b) all of them to one part. Copies are counted per (vertex, part) in a byte that
 * saturates at 255 (a saturated count is never decremented, so such a copy is never thought free:
 * the estimate only errs towards not moving). Every accepted move lowers the copy count, so the
 * replication never rises; NE_REFINE_PASSES passes of O(RF · m · k) at most.
 */
function removeCopies(topology: NeTopology, arcOwner: Int32Array, capacity: number): void {
  const { n, k, sources, targets, incidenceOffsets, incidence } = topology;
  const m = arcOwner.length;
  if (k < 2 || n * k > MAX_REFINE_COUNTS) return;
  const counts = new Uint8Array(n * k);
  const loads = new Float64Array(k);
  const bump = (x: number): void => {
    if (counts[x]! < 255) counts[x]!++;
  };
  const drop = (x: number): void => {
    if (counts[x]! < 255) counts[x]!--;
  };
  for (let a = 0; a < m; a++) {
    const p = arcOwner[a]!;
    loads[p]!++;
    bump(sources[a]! * k + p);
    if (targets[a] !== sources[a]) bump(targets[a]! * k + p);
  }
  const pending = new Float64Array(k);
  const costs = new Float64Array(k);
  const planArcs: number[] = [];
  const planParts: number[] = [];
  for (let pass = 0; pass < NE_REFINE_PASSES; pass++) {
    let removed = 0;
    for (let v = 0; v < n; v++) {
      const base = v * k;
      const begin = incidenceOffsets[v]!;
      const end = incidenceOffsets[v + 1]!;
      // each try scans v's arcs: hubs (copies nearly everywhere, rarely removable) would dominate the time
      if (end - begin > REFINE_MAX_DEGREE) continue;
      for (let q = 0; q < k && end > begin; q++) {
        const held = counts[base + q]!;
        if (held === 0 || held > REFINE_MAX_HELD) continue;
        // (a) arc by arc to parts holding v; cost = copies added − copies removed, v's own −1 included
        let cost = -1;
        let feasible = true;
        planArcs.length = 0;
        planParts.length = 0;
        for (let i = begin; i < end; i++) {
          const a = incidence[i]!;
          if (arcOwner[a] !== q) continue;
          const w = sources[a] === v ? targets[a]! : sources[a]!;
          if (w === v) { feasible = false; break; }
          const wBase = w * k;
          const release = counts[wBase + q] === 1 ? 1 : 0;
          let best = -1;
          let bestCost = 2;
          for (let p = 0; p < k; p++) {
            if (p === q || counts[base + p] === 0 || loads[p]! + pending[p]! + 1 > capacity) continue;
            const c = (counts[wBase + p] === 0 ? 1 : 0) - release;
            if (c < bestCost || (c === bestCost && loads[p]! + pending[p]! < loads[best]! + pending[best]!)) {
              best = p;
              bestCost = c;
            }
          }
          if (best < 0) { feasible = false; break; }
          cost += bestCost;
          pending[best]!++;
          planArcs.push(a);
          planParts.push(best);
        }
        for (const p of planParts) pending[p] = 0;
        if (!feasible || cost >= 0) {
          // (b) every arc of v on q to one part p
          costs.fill(0);
          planArcs.length = 0;
          let loop = false;
          for (let i = begin; i < end; i++) {
            const a = incidence[i]!;
            if (arcOwner[a] !== q) continue;
            const w = sources[a] === v ? targets[a]! : sources[a]!;
            if (w === v) { loop = true; break; }
            planArcs.push(a);
            const wBase = w * k;
            const release = counts[wBase + q] === 1 ? 1 : 0;
            for (let p = 0; p < k; p++) costs[p]! += (counts[wBase + p] === 0 ? 1 : 0) - release;
          }
          if (loop) continue;
          let best = -1;
          let bestCost = 0;
          for (let p = 0; p < k; p++) {
            if (p === q || loads[p]! + planArcs.length > capacity) continue;
            const c = costs[p]! + (counts[base + p] === 0 ? 1 : 0) - 1;
            if (c < bestCost || (c === bestCost && best >= 0 && loads[p]! < loads[best]!)) {
              best = p;
              bestCost = c;
            }
          }
          if (best < 0) continue;
          planParts.length = 0;
          for (let j = 0; j < planArcs.length; j++) planParts.push(best);
        }
        for (let j = 0; j < planArcs.length; j++) {
          const a = planArcs[j]!;
          const p = planParts[j]!;
          const w = sources[a] === v ? targets[a]! : sources[a]!;
          arcOwner[a] = p;
          loads[q]!--;
          loads[p]!++;
          drop(base + q);
          drop(w * k + q);
          bump(base + p);
          bump(w * k + p);
        }
        removed++;
      }
    }
    if (removed === 0) break;
  }
}
