/**
 * k-way refinement and balancing for the multilevel edge-cut partitioner, run at every level.
 *
 * Refinement is METIS's greedy k-way boundary refinement (Karypis & Kumar, "Multilevel k-way
 * partitioning scheme for irregular graphs", JPDC 48, 1998): visit vertices in a seeded random
 * order; a boundary vertex moves to the adjacent part it is most connected to when that lowers the
 * cut (or keeps it and evens the weights), and only if the target stays within `limit`. So
 * refinement never breaks the balance constraint, and each pass only lowers the cut or the spread.
 *
 * k-way FM (refineKwayFm) follows the greedy passes: best gain first, negative gains allowed,
 * rolled back to the best prefix (Fiduccia & Mattheyses 1982, generalised to k parts as in
 * Sanchis, IEEE Trans. Computers 38(1), 1989).
 *
 * Balancing runs first whenever a part is above `limit` (coarse vertices are lumpy, and recursive
 * bisection splits at a coarser granularity than the final parts): vertices of overweight parts
 * move, least cut damage first, to an adjacent part with room, or else to the lightest part.
 *
 * Scratch per call: connection weight to each part (k doubles) and the list of parts touched, so a
 * vertex costs O(degree) whatever k is.
 */
import { Prng } from '../../generate/prng.js';
import type { WasmHost } from '../../memory/host.js';
import { GainHeap } from './heap.js';
import { randomOrder, ringGraph, type WeightedGraph } from './weighted.js';

/** Reusable per-part scratch: connection weight of the current vertex to each part. */
class Connections {
  readonly weight: Float64Array;
  readonly touched: Int32Array;
  count = 0;
  /** weight from the current vertex to its own part */
  internal = 0;

  constructor(k: number) {
    this.weight = new Float64Array(k);
    this.touched = new Int32Array(k);
  }

  /** Sum the edge weights of v by neighbour part; returns the number of other parts touched. */
  gather(graph: WeightedGraph, owner: Int32Array, v: number): number {
    const { offsets, targets, edgeWeights } = graph;
    const own = owner[v]!;
    const weight = this.weight;
    let internal = 0;
    let count = 0;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const p = owner[targets[e]!]!;
      if (p === own) {
        internal += edgeWeights[e]!;
      } else {
        if (weight[p] === 0) this.touched[count++] = p;
        weight[p] += edgeWeights[e]!;
      }
    }
    this.internal = internal;
    this.count = count;
    return count;
  }

  reset(): void {
    for (let i = 0; i < this.count; i++) this.weight[this.touched[i]!] = 0;
    this.count = 0;
  }
}

/**
 * Greedy k-way boundary refinement, in place. `partWeight` is kept up to date. The first pass
 * visits the boundary vertices; each later pass only the vertices that moved and their
 * neighbours (nothing else changed its connections), so a pass costs the boundary, not the
 * graph. Stops after `passes` passes or when a pass gains nothing. Returns the number of moves.
 * With a `host`, each pass runs in WebAssembly (refineKwayOnHost); without one, here: this path is
 * the oracle the kernel is tested against (same seed, same owners).
 */
export function refineKway(graph: WeightedGraph, owner: Int32Array, partWeight: Float64Array, limit: number, random: Prng, passes: number, host?: WasmHost): number {
  if (host) {
    warmUpRefine(host);
    return refineKwayOnHost(host, graph, owner, partWeight, limit, random, passes);
  }
  const { n, offsets, targets, vertexWeights } = graph;
  const k = partWeight.length;
  const connections = new Connections(k);
  const connection = connections.weight;
  const touched = connections.touched;
  let list = new Int32Array(n);
  let next = new Int32Array(n);
  // queued[v] = the pass (1-based) for which v is already in `next`
  const queued = new Int32Array(n);
  let count = 0;
  for (let v = 0; v < n; v++) {
    const own = owner[v]!;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      if (owner[targets[e]!] !== own) {
        list[count++] = v;
        break;
      }
    }
  }
  let total = 0;
  for (let pass = 1; pass <= passes && count > 0; pass++) {
    for (let i = count - 1; i > 0; i--) {
      const j = random.nextInt(i + 1);
      const swap = list[i]!;
      list[i] = list[j]!;
      list[j] = swap;
    }
    let nextCount = 0;
    let moved = 0;
    let gained = 0;
    for (let i = 0; i < count; i++) {
      const v = list[i]!;
      if (connections.gather(graph, owner, v) === 0) continue;
      const from = owner[v]!;
      const weight = vertexWeights[v]!;
      const internal = connections.internal;
      let best = -1;
      let bestGain = -Infinity;
      for (let t = 0; t < connections.count; t++) {
        const p = touched[t]!;
        if (partWeight[p]! + weight > limit) continue;
        const gain = connection[p]! - internal;
        if (gain > bestGain || (gain === bestGain && partWeight[p]! < partWeight[best]!)) {
          best = p;
          bestGain = gain;
        }
      }
      connections.reset();
      if (best < 0) continue;
      // Zero-gain moves only when they even out the weights, so that passes cannot cycle.
      if (bestGain > 0 || (bestGain === 0 && partWeight[best]! + weight < partWeight[from]!)) {
        owner[v] = best;
        partWeight[from] -= weight;
        partWeight[best] += weight;
        moved++;
        gained += bestGain;
        if (queued[v] !== pass) {
          queued[v] = pass;
          next[nextCount++] = v;
        }
        for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
          const u = targets[e]!;
          if (queued[u] !== pass) {
            queued[u] = pass;
            next[nextCount++] = u;
          }
        }
      }
    }
    total += moved;
    if (moved === 0 || gained === 0) break;
    const swap = list;
    list = next;
    next = swap;
    count = nextCount;
  }
  return total;
}

/** The refinement kernels of build/neuromesh.wasm (assembly/kernels/refine.ts; assembly/ABI.md). */
interface RefineKernels {
  refine_boundary(offsets: number, targets: number, owner: number, n: number, list: number): number;
  refine_kway_pass(
    offsets: number,
    targets: number,
    edgeWeights: number,
    vertexWeights: number,
    owner: number,
    partWeight: number,
    connection: number,
    touched: number,
    list: number,
    count: number,
    next: number,
    queued: number,
    pass: number,
    limit: number,
    stats: number,
  ): number;
  kway_fm_pass(
    offsets: number,
    targets: number,
    edgeWeights: number,
    vertexWeights: number,
    owner: number,
    partWeight: number,
    n: number,
    k: number,
    connection: number,
    touched: number,
    hubOf: number,
    hubConnection: number,
    tabled: number,
    rescoreDegree: number,
    order: number,
    keys: number,
    values: number,
    lockedIn: number,
    movedVertex: number,
    movedFrom: number,
    choice: number,
    pass: number,
    limit: number,
    patience: number,
    budget: number,
  ): number;
}

/** Compiled code is per module: warming once per module suffices (src/execute/kernels.ts). */
const warmed = new WeakSet<WebAssembly.Module>();
const WARM_VERTICES = 256;
const WARM_ROUNDS = 300;

/**
 * Run the pass kernel WARM_ROUNDS times on a ring of WARM_VERTICES vertices split in two parts,
 * so that V8 tiers it up before the first real level (one long call would stay in the baseline
 * tier). Scratch is released afterwards.
 */
function warmUpRefine(host: WasmHost): void {
  if (warmed.has(host.module)) return;
  warmed.add(host.module);
  const n = WARM_VERTICES;
  const graph = ringGraph(n);
  const owner = new Int32Array(n);
  for (let round = 0; round < WARM_ROUNDS; round++) {
    for (let v = 0; v < n; v++) owner[v] = (v * 7 + round) % 3 === 0 ? 1 : 0;
    const weights = new Float64Array(2);
    for (let v = 0; v < n; v++) weights[owner[v]!]++;
    refineKwayOnHost(host, graph, owner, weights, n, null, 1);
  }
}

/**
 * refineKway with each pass run by the `refine_kway_pass` kernel over copies of the level's
 * arrays in the host's arena (released before returning). The seeded shuffle between passes stays
 * here, drawing the same numbers as refineKway, so the owners are bit for bit the TS path's.
 * `random` null (warm-up only) leaves the lists unshuffled.
 */
function refineKwayOnHost(host: WasmHost, graph: WeightedGraph, owner: Int32Array, partWeight: Float64Array, limit: number, random: Prng | null, passes: number): number {
  const kernels = host.exports as unknown as RefineKernels;
  const { n } = graph;
  const k = partWeight.length;
  const mark = host.arena.mark();
  try {
    const copyInt = (array: Int32Array): number => {
      const at = host.allocArray(Int32Array, array.length);
      host.view(Int32Array, at, array.length).set(array);
      return at;
    };
    const copyFloat = (array: Float64Array): number => {
      const at = host.allocArray(Float64Array, array.length);
      host.view(Float64Array, at, array.length).set(array);
      return at;
    };
    const offsetsAt = copyInt(graph.offsets);
    const targetsAt = copyInt(graph.targets);
    const edgeWeightsAt = copyInt(graph.edgeWeights);
    const vertexWeightsAt = copyFloat(graph.vertexWeights);
    const ownerAt = copyInt(owner);
    const partWeightAt = copyFloat(partWeight);
    const connectionAt = host.allocArray(Float64Array, k);
    const touchedAt = host.allocArray(Int32Array, k);
    let listAt = host.allocArray(Int32Array, n);
    let nextAt = host.allocArray(Int32Array, n);
    const queuedAt = host.allocArray(Int32Array, n);
    const statsAt = host.allocArray(Float64Array, 2);
    // views only after the last allocation: a growing memory gets a new buffer
    host.view(Float64Array, connectionAt, k).fill(0);
    host.view(Int32Array, queuedAt, n).fill(0);
    const stats = host.view(Float64Array, statsAt, 2);
    let count = kernels.refine_boundary(offsetsAt, targetsAt, ownerAt, n, listAt);
    let total = 0;
    for (let pass = 1; pass <= passes && count > 0; pass++) {
      if (random) {
        const list = host.view(Int32Array, listAt, count);
        for (let i = count - 1; i > 0; i--) {
          const j = random.nextInt(i + 1);
          const swap = list[i]!;
          list[i] = list[j]!;
          list[j] = swap;
        }
      }
      const nextCount = kernels.refine_kway_pass(offsetsAt, targetsAt, edgeWeightsAt, vertexWeightsAt, ownerAt, partWeightAt, connectionAt, touchedAt, listAt, count, nextAt, queuedAt, pass, limit, statsAt);
      const moved = stats[0]!;
      total += moved;
      if (moved === 0 || stats[1] === 0) break;
      const swap = listAt;
      listAt = nextAt;
      nextAt = swap;
      count = nextCount;
    }
    owner.set(host.view(Int32Array, ownerAt, n));
    partWeight.set(host.view(Float64Array, partWeightAt, k));
    return total;
  } finally {
    host.arena.release(mark);
  }
}

/** How far balancing may send a vertex, tried in this order when the previous moves nothing. */
const ADJACENT_WITH_ROOM = 0;
/** to an adjacent part that stays lighter than the source: weight diffuses on, part to part */
const ADJACENT_DOWNHILL = 1;
/** to the lightest part anywhere (a last resort: it scatters fragments) */
const LIGHTEST_ANYWHERE = 2;

/**
 * Move vertices out of parts above `limit`, least cut damage first, until every part is within
 * `limit` or no move helps. Moves go to adjacent parts with room; when there are none, weight
 * diffuses to adjacent parts that stay lighter than the source (which then pass it on: every such
 * move lowers Σ weight², so this ends); only when that is stuck too does a vertex jump to the
 * lightest part. With unit weights this always succeeds when limit ≥ ⌈W / k⌉: the lightest part
 * is below the mean while another is above it, so it has room for one more.
 * Returns true when all parts are within the limit.
 */
export function balanceKway(graph: WeightedGraph, owner: Int32Array, partWeight: Float64Array, limit: number, random: Prng): boolean {
  const { n, vertexWeights } = graph;
  const k = partWeight.length;
  const connections = new Connections(k);
  const connection = connections.weight;
  const touched = connections.touched;

  // The best part for v under `reach` and the gain of moving there (-1 when none).
  let chosenGain = 0;
  const choose = (v: number, reach: number): number => {
    connections.gather(graph, owner, v);
    const weight = vertexWeights[v]!;
    const from = owner[v]!;
    let best = -1;
    let bestGain = -Infinity;
    if (reach !== LIGHTEST_ANYWHERE) {
      for (let t = 0; t < connections.count; t++) {
        const p = touched[t]!;
        if (reach === ADJACENT_WITH_ROOM ? partWeight[p]! + weight > limit : partWeight[p]! + weight >= partWeight[from]!) continue;
        const gain = connection[p]! - connections.internal;
        if (gain > bestGain || (gain === bestGain && partWeight[p]! < partWeight[best]!)) {
          best = p;
          bestGain = gain;
        }
      }
    } else {
      let lightest = 0;
      for (let p = 1; p < k; p++) if (partWeight[p]! < partWeight[lightest]!) lightest = p;
      if (lightest !== from && partWeight[lightest]! + weight <= limit) {
        best = lightest;
        bestGain = (connection[lightest] ?? 0) - connections.internal;
      }
    }
    connections.reset();
    chosenGain = bestGain;
    return best;
  };

  const candidates = new Int32Array(n);
  const gains = new Float64Array(n);
  let reach = ADJACENT_WITH_ROOM;
  for (let round = 0; round < 256; round++) {
    let over = false;
    for (let p = 0; p < k; p++) if (partWeight[p]! > limit) over = true;
    if (!over) return true;
    // candidates: vertices of overweight parts, by gain of their best move
    const order = randomOrder(n, (bound) => random.nextInt(bound));
    let count = 0;
    for (let i = 0; i < n; i++) {
      const v = order[i]!;
      if (partWeight[owner[v]!]! <= limit) continue;
      if (choose(v, reach) < 0) continue;
      candidates[count] = v;
      gains[count] = chosenGain;
      count++;
    }
    const ranked = new Int32Array(count);
    for (let i = 0; i < count; i++) ranked[i] = i;
    ranked.sort((a, b) => gains[b]! - gains[a]! || a - b);
    let moved = 0;
    for (let i = 0; i < count; i++) {
      const v = candidates[ranked[i]!]!;
      const from = owner[v]!;
      if (partWeight[from]! <= limit) continue;
      const to = choose(v, reach);
      if (to < 0) continue;
      owner[v] = to;
      partWeight[from] -= vertexWeights[v]!;
      partWeight[to] += vertexWeights[v]!;
      moved++;
    }
    if (moved > 0) {
      reach = ADJACENT_WITH_ROOM;
    } else if (reach === LIGHTEST_ANYWHERE) {
      return false;
    } else {
      reach++;
    }
  }
  for (let p = 0; p < k; p++) if (partWeight[p]! > limit) return false;
  return true;
}

/**
 * After a move, FM re-scores each neighbour: one of degree at most max(MIN, FACTOR × mean degree)
 * by scanning its edges, a higher-degree one (a hub) from its row of the hub table in O(k).
 * Scanning hubs instead made an R-MAT scale-16 graph take a minute.
 */
const FM_RESCORE_MIN_DEGREE = 32;
const FM_RESCORE_DEGREE_FACTOR = 1;
/**
 * A pass stops (and rolls back to its best prefix) once its scoring has read this many times the
 * adjacency (16: measured not to change the cut on the benchmark graphs), so a pass is O(n + m)
 * whatever the graph.
 */
const FM_WORK_FACTOR = 16;
/** The largest hub table (hubs × k entries, 8 bytes each: 128 MiB); above it hubs go stale. */
const FM_HUB_TABLE_ENTRIES = 1 << 24;

/**
 * k-way Fiduccia–Mattheyses, in place: boundary vertices are moved best gain first, negative
 * gains included, each at most once per pass, within `limit`; after `patience` moves without a
 * new best cut the pass stops and rolls back to its best prefix. This climbs out of the local
 * minima greedy refinement stops in (a jagged boundary needs a worse move before a better one).
 * Gains in the heap are lazy: a popped entry is recomputed and pushed back when stale.
 * Returns the cut reduction.
 */
export function refineKwayFm(graph: WeightedGraph, owner: Int32Array, partWeight: Float64Array, limit: number, random: Prng, passes: number, host?: WasmHost): number {
  if (host) {
    if (!fmWarmed.has(host.module)) warmUpFm(host);
    return refineKwayFmOnHost(host, graph, owner, partWeight, limit, random, passes);
  }
  const { n, offsets, targets, vertexWeights } = graph;
  const k = partWeight.length;
  const connections = new Connections(k);
  const connection = connections.weight;
  const touched = connections.touched;
  const heap = new GainHeap(1024);
  const lockedIn = new Int32Array(n);
  const movedVertex = new Int32Array(n);
  const movedFrom = new Int32Array(n);
  const patience = Math.max(50, Math.min(1000, n >> 6));
  const rescoreDegree = Math.max(FM_RESCORE_MIN_DEGREE, (FM_RESCORE_DEGREE_FACTOR * offsets[n]!) / Math.max(1, n));
  const { edgeWeights } = graph;
  // Hubs (degree above rescoreDegree) keep their connection weight to every part in a dense
  // table (hubs × k), updated as their neighbours move: re-scoring one costs O(k), not its
  // degree. Without it, a hub's gain goes stale, and on R-MAT graphs hubs are the moves that
  // matter (cut fraction 0.80 instead of 0.63 at scale 15, k = 16).
  const hubOf = new Int32Array(n).fill(-1);
  let hubs = 0;
  for (let v = 0; v < n; v++) if (offsets[v + 1]! - offsets[v]! > rescoreDegree) hubOf[v] = hubs++;
  const tabled = hubs * k <= FM_HUB_TABLE_ENTRIES;
  const hubConnection = new Float64Array(tabled ? hubs * k : 0);
  if (tabled) {
    for (let v = 0; v < n; v++) {
      const h = hubOf[v]!;
      if (h < 0) continue;
      for (let e = offsets[v]!; e < offsets[v + 1]!; e++) hubConnection[h * k + owner[targets[e]!]!] += edgeWeights[e]!;
    }
  }
  /** v moved from part a to part b: its hub neighbours' rows follow */
  const updateHubs = (v: number, a: number, b: number): void => {
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const h = hubOf[targets[e]!]!;
      if (h < 0) continue;
      hubConnection[h * k + a] -= edgeWeights[e]!;
      hubConnection[h * k + b] += edgeWeights[e]!;
    }
  };
  let bestTarget = -1;
  /** best admissible move of v now: sets bestTarget, returns its gain (-Infinity when none) */
  const bestMove = (v: number): number => {
    bestTarget = -1;
    const h = tabled ? hubOf[v]! : -1;
    if (h >= 0) {
      const row = h * k;
      const own = owner[v]!;
      const internal = hubConnection[row + own]!;
      const weight = vertexWeights[v]!;
      let bestGain = -Infinity;
      for (let p = 0; p < k; p++) {
        const linked = hubConnection[row + p]!;
        if (p === own || linked <= 0 || partWeight[p]! + weight > limit) continue;
        const gain = linked - internal;
        if (gain > bestGain || (gain === bestGain && partWeight[p]! < partWeight[bestTarget]!)) {
          bestTarget = p;
          bestGain = gain;
        }
      }
      return bestGain;
    }
    if (connections.gather(graph, owner, v) === 0) return -Infinity;
    const weight = vertexWeights[v]!;
    let bestGain = -Infinity;
    for (let t = 0; t < connections.count; t++) {
      const p = touched[t]!;
      if (partWeight[p]! + weight > limit) continue;
      const gain = connection[p]! - connections.internal;
      if (gain > bestGain || (gain === bestGain && partWeight[p]! < partWeight[bestTarget]!)) {
        bestTarget = p;
        bestGain = gain;
      }
    }
    connections.reset();
    return bestGain;
  };
  let improvement = 0;
  for (let pass = 1; pass <= passes; pass++) {
    heap.clear();
    const order = randomOrder(n, (bound) => random.nextInt(bound));
    for (let i = 0; i < n; i++) {
      const v = order[i]!;
      const gain = bestMove(v);
      if (bestTarget >= 0) heap.push(gain, v);
    }
    let count = 0;
    let delta = 0;
    let bestDelta = 0;
    let bestCount = 0;
    let work = 0;
    const budget = FM_WORK_FACTOR * offsets[n]! + n;
    while (heap.size > 0 && work < budget) {
      const v = heap.topValue();
      const key = heap.topKey();
      heap.pop();
      if (lockedIn[v] === pass) continue;
      work += tabled && hubOf[v]! >= 0 ? k : offsets[v + 1]! - offsets[v]!;
      const gain = bestMove(v);
      if (bestTarget < 0) continue;
      if (gain !== key) {
        heap.push(gain, v);
        continue;
      }
      const from = owner[v]!;
      owner[v] = bestTarget;
      partWeight[from] -= vertexWeights[v]!;
      partWeight[bestTarget] += vertexWeights[v]!;
      if (tabled) updateHubs(v, from, bestTarget);
      lockedIn[v] = pass;
      movedVertex[count] = v;
      movedFrom[count] = from;
      count++;
      delta += gain;
      if (delta > bestDelta) {
        bestDelta = delta;
        bestCount = count;
      } else if (count - bestCount > patience) {
        break;
      }
      for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
        const u = targets[e]!;
        // Re-scoring costs u's degree, or k for a tabled hub. Without the table, hubs are left
        // stale (corrected when popped): re-scoring a hub by its degree on every neighbour's
        // move made an R-MAT scale-16 graph take a minute.
        if (lockedIn[u] === pass) continue;
        const degree = offsets[u + 1]! - offsets[u]!;
        if (degree > rescoreDegree) {
          if (!tabled) continue;
          work += k;
        } else {
          work += degree;
        }
        const next = bestMove(u);
        if (bestTarget >= 0) heap.push(next, u);
      }
    }
    for (let i = count - 1; i >= bestCount; i--) {
      const v = movedVertex[i]!;
      const to = movedFrom[i]!;
      if (tabled) updateHubs(v, owner[v]!, to);
      partWeight[owner[v]!] -= vertexWeights[v]!;
      partWeight[to] += vertexWeights[v]!;
      owner[v] = to;
    }
    improvement += bestDelta;
    if (bestDelta <= 0) break;
  }
  return improvement;
}

const fmWarmed = new WeakSet<WebAssembly.Module>();

/** Tier the k-way FM kernel up before real use: a ring striped over 3 parts, its own generator. */
function warmUpFm(host: WasmHost): void {
  fmWarmed.add(host.module);
  const n = WARM_VERTICES;
  const graph = ringGraph(n);
  const random = new Prng(1);
  for (let round = 0; round < WARM_ROUNDS; round++) {
    const owner = Int32Array.from({ length: n }, (_, v) => ((v >> 3) + round) % 3);
    const weights = new Float64Array(3);
    for (let v = 0; v < n; v++) weights[owner[v]!]++;
    refineKwayFmOnHost(host, graph, owner, weights, n, random, 1);
  }
}

/**
 * refineKwayFm with each pass run by the `kway_fm_pass` kernel over copies in the host's arena
 * (released before returning). The hub table is built here as refineKwayFm builds it, and the
 * visit order of each pass drawn here, so the owners are bit for bit the TS path's.
 */
function refineKwayFmOnHost(host: WasmHost, graph: WeightedGraph, owner: Int32Array, partWeight: Float64Array, limit: number, random: Prng, passes: number): number {
  const kernels = host.exports as unknown as RefineKernels;
  const { n, offsets, targets, edgeWeights, vertexWeights } = graph;
  const k = partWeight.length;
  const edges = offsets[n]!;
  const patience = Math.max(50, Math.min(1000, n >> 6));
  const rescoreDegree = Math.max(FM_RESCORE_MIN_DEGREE, (FM_RESCORE_DEGREE_FACTOR * edges) / Math.max(1, n));
  const hubOf = new Int32Array(n).fill(-1);
  let hubs = 0;
  for (let v = 0; v < n; v++) if (offsets[v + 1]! - offsets[v]! > rescoreDegree) hubOf[v] = hubs++;
  const tabled = hubs * k <= FM_HUB_TABLE_ENTRIES;
  const tableLength = tabled ? hubs * k : 0;
  // the heap holds each vertex once, plus one entry per edge end of every moved vertex
  const capacity = n + edges + 1;
  const mark = host.arena.mark();
  try {
    const offsetsAt = host.allocArray(Int32Array, n + 1);
    const targetsAt = host.allocArray(Int32Array, edges);
    const edgeWeightsAt = host.allocArray(Int32Array, edges);
    const vertexWeightsAt = host.allocArray(Float64Array, n);
    const ownerAt = host.allocArray(Int32Array, n);
    const partWeightAt = host.allocArray(Float64Array, k);
    const connectionAt = host.allocArray(Float64Array, k);
    const touchedAt = host.allocArray(Int32Array, k);
    const hubOfAt = host.allocArray(Int32Array, n);
    const hubConnectionAt = host.allocArray(Float64Array, Math.max(1, tableLength));
    const orderAt = host.allocArray(Int32Array, n);
    const keysAt = host.allocArray(Float64Array, capacity);
    const valuesAt = host.allocArray(Int32Array, capacity);
    const lockedInAt = host.allocArray(Int32Array, n);
    const movedVertexAt = host.allocArray(Int32Array, n);
    const movedFromAt = host.allocArray(Int32Array, n);
    const choiceAt = host.allocArray(Int32Array, 1);
    // views only after the last allocation: a growing memory gets a new buffer
    host.view(Int32Array, offsetsAt, n + 1).set(offsets.subarray(0, n + 1));
    host.view(Int32Array, targetsAt, edges).set(targets.subarray(0, edges));
    host.view(Int32Array, edgeWeightsAt, edges).set(edgeWeights.subarray(0, edges));
    host.view(Float64Array, vertexWeightsAt, n).set(vertexWeights);
    const ownerView = host.view(Int32Array, ownerAt, n);
    ownerView.set(owner);
    const partWeightView = host.view(Float64Array, partWeightAt, k);
    partWeightView.set(partWeight);
    host.view(Float64Array, connectionAt, k).fill(0);
    host.view(Int32Array, hubOfAt, n).set(hubOf);
    host.view(Int32Array, lockedInAt, n).fill(0);
    const hubConnection = host.view(Float64Array, hubConnectionAt, Math.max(1, tableLength));
    hubConnection.fill(0);
    if (tabled) {
      for (let v = 0; v < n; v++) {
        const h = hubOf[v]!;
        if (h < 0) continue;
        for (let e = offsets[v]!; e < offsets[v + 1]!; e++) hubConnection[h * k + owner[targets[e]!]!] += edgeWeights[e]!;
      }
    }
    const order = host.view(Int32Array, orderAt, n);
    const budget = FM_WORK_FACTOR * edges + n;
    let improvement = 0;
    for (let pass = 1; pass <= passes; pass++) {
      order.set(randomOrder(n, (bound) => random.nextInt(bound)));
      const bestDelta = kernels.kway_fm_pass(offsetsAt, targetsAt, edgeWeightsAt, vertexWeightsAt, ownerAt, partWeightAt, n, k, connectionAt, touchedAt, hubOfAt, hubConnectionAt, tabled ? 1 : 0, rescoreDegree, orderAt, keysAt, valuesAt, lockedInAt, movedVertexAt, movedFromAt, choiceAt, pass, limit, patience, budget);
      improvement += bestDelta;
      if (bestDelta <= 0) break;
    }
    owner.set(ownerView);
    partWeight.set(partWeightView);
    return improvement;
  } finally {
    host.arena.release(mark);
  }
}
