/**
 * Initial partition of the coarsest graph by recursive bisection, as METIS's k-way driver does.
 *
 * Each bisection is the best of several seeded tries of greedy graph growing (GGGP: grow side 0
 * from a random vertex, always adding the frontier vertex that cuts the fewest edges; Karypis &
 * Kumar 1998, section 4) each polished by Fiduccia–Mattheyses passes (Fiduccia & Mattheyses,
 * "A linear-time heuristic for improving network partitions", DAC 1982): moves may worsen the cut,
 * and every pass rolls back to its best prefix. "Best" is lexicographic: least weight above the
 * side limits first, then least cut. k splits as ⌊k/2⌋ and ⌈k/2⌉, with target weights in that
 * ratio, so any k works, not only powers of two.
 */
import { Prng } from '../../generate/prng.js';
import type { WasmHost } from '../../memory/host.js';
import { coarsen } from './coarsen.js';
import { GainHeap } from './heap.js';
import { randomOrder, ringGraph, type WeightedGraph } from './weighted.js';

/** Vertices below which a bisection stops coarsening and is grown directly. */
const BISECTION_COARSEN_TO = 20;
/** Multilevel bisections tried by default, each with its own coarsening, best kept (METIS's ncuts). */
export const BISECTION_CUTS = 4;

/** What a bisection aims at: side 0 should weigh `target0`; side s must stay under maxWeight[s]. */
interface BisectionGoal {
  target0: number;
  max0: number;
  max1: number;
}

/** Grow side 0 from a random seed until it reaches target0. Returns side[v] in {0, 1}. */
function growBisection(graph: WeightedGraph, goal: BisectionGoal, random: Prng, heap: GainHeap): Uint8Array {
  const { n, offsets, targets, edgeWeights, vertexWeights } = graph;
  const side = new Uint8Array(n).fill(1);
  // gain[v] for a side-1 vertex: weight to side 0 minus weight to side 1 (cut decrease if moved)
  const gain = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    let sum = 0;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) sum += edgeWeights[e]!;
    gain[v] = -sum;
  }
  const order = randomOrder(n, (bound) => random.nextInt(bound));
  let nextSeed = 0;
  let weight0 = 0;
  heap.clear();
  while (weight0 < goal.target0) {
    let v = -1;
    while (heap.size > 0) {
      const candidate = heap.topValue();
      const key = heap.topKey();
      heap.pop();
      if (side[candidate] === 1 && key === gain[candidate]) {
        v = candidate;
        break;
      }
    }
    if (v < 0) {
      // Frontier empty (start, or a component used up): seed from the next random vertex.
      while (nextSeed < n && side[order[nextSeed]!] === 0) nextSeed++;
      if (nextSeed >= n) break;
      v = order[nextSeed++]!;
    }
    if (weight0 + vertexWeights[v]! > goal.max0 && weight0 > 0) continue;
    side[v] = 0;
    weight0 += vertexWeights[v]!;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const u = targets[e]!;
      if (side[u] === 0) continue;
      gain[u] += 2 * edgeWeights[e]!;
      heap.push(gain[u]!, u);
    }
  }
  return side;
}

function bisectionCut(graph: WeightedGraph, side: Uint8Array): number {
  const { n, offsets, targets, edgeWeights } = graph;
  let cut = 0;
  for (let v = 0; v < n; v++) {
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) if (side[targets[e]!] !== side[v]) cut += edgeWeights[e]!;
  }
  return cut / 2;
}

function overweight(weight0: number, weight1: number, goal: BisectionGoal): number {
  return Math.max(0, weight0 - goal.max0) + Math.max(0, weight1 - goal.max1);
}

/**
 * Fiduccia–Mattheyses on a bisection, in place. Each pass moves every boundary vertex at most
 * once, best gain first, from either side as balance allows; it stops after `patience` moves
 * without a new best and rolls back to the best state seen. Returns the final cut.
 */
export function refineBisection(graph: WeightedGraph, side: Uint8Array, goal: BisectionGoal, random: Prng, passes: number, host?: WasmHost): number {
  if (host) return refineBisectionOnHost(host, graph, side, goal, random, passes);
  const { n, offsets, targets, edgeWeights, vertexWeights } = graph;
  const gain = new Float64Array(n);
  const locked = new Uint8Array(n);
  const moves = new Int32Array(n);
  const heaps = [new GainHeap(n), new GainHeap(n)] as const;
  let weight0 = 0;
  for (let v = 0; v < n; v++) if (side[v] === 0) weight0 += vertexWeights[v]!;
  let weight1 = graph.totalVertexWeight - weight0;
  // gain[v] = external − internal weight, kept exact for every vertex through moves and
  // rollbacks, so passes need no recount; v is on the boundary iff gain + degree > 0.
  const degree = new Float64Array(n);
  let cut = 0;
  for (let v = 0; v < n; v++) {
    let external = 0;
    let internal = 0;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      if (side[targets[e]!] === side[v]) internal += edgeWeights[e]!;
      else external += edgeWeights[e]!;
    }
    gain[v] = external - internal;
    degree[v] = external + internal;
    cut += external;
  }
  cut /= 2;
  const patience = Math.max(25, Math.min(150, n >> 2));
  for (let pass = 0; pass < passes; pass++) {
    heaps[0].clear();
    heaps[1].clear();
    locked.fill(0);
    const order = randomOrder(n, (bound) => random.nextInt(bound));
    for (let i = 0; i < n; i++) {
      const v = order[i]!;
      if (gain[v]! + degree[v]! > 0) heaps[side[v]!]!.push(gain[v]!, v);
    }
    const startCut = cut;
    const startOver = overweight(weight0, weight1, goal);
    let bestCut = cut;
    let bestOver = startOver;
    let bestMoves = 0;
    let count = 0;
    for (;;) {
      // the valid top of each side's heap
      const top = [-1, -1];
      for (let s = 0; s < 2; s++) {
        const heap = heaps[s]!;
        while (heap.size > 0) {
          const v = heap.topValue();
          if (!locked[v] && side[v] === s && heap.topKey() === gain[v]) {
            top[s] = v;
            break;
          }
          heap.pop();
        }
      }
      const over = overweight(weight0, weight1, goal);
      let from = -1;
      for (let s = 0; s < 2; s++) {
        const v = top[s]!;
        if (v < 0) continue;
        const after = s === 0 ? overweight(weight0 - vertexWeights[v]!, weight1 + vertexWeights[v]!, goal) : overweight(weight0 + vertexWeights[v]!, weight1 - vertexWeights[v]!, goal);
        // A move may not add weight above the limits, except while it reduces the excess.
        if (after > 0 && after >= over) continue;
        if (from < 0 || gain[v]! > gain[top[from]!]! || (gain[v] === gain[top[from]!] && (s === 0 ? weight0 > weight1 : weight1 > weight0))) from = s;
      }
      if (from < 0) break;
      const v = top[from]!;
      heaps[from]!.pop();
      const to = 1 - from;
      side[v] = to;
      locked[v] = 1;
      moves[count++] = v;
      cut -= gain[v]!;
      gain[v] = -gain[v]!;
      if (from === 0) {
        weight0 -= vertexWeights[v]!;
        weight1 += vertexWeights[v]!;
      } else {
        weight1 -= vertexWeights[v]!;
        weight0 += vertexWeights[v]!;
      }
      for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
        const u = targets[e]!;
        gain[u] += side[u] === to ? -2 * edgeWeights[e]! : 2 * edgeWeights[e]!;
        if (!locked[u]) heaps[side[u]!]!.push(gain[u]!, u);
      }
      const nowOver = overweight(weight0, weight1, goal);
      if (nowOver < bestOver || (nowOver === bestOver && cut < bestCut)) {
        bestOver = nowOver;
        bestCut = cut;
        bestMoves = count;
      } else if (count - bestMoves > patience) {
        break;
      }
    }
    // roll back to the best prefix
    for (let i = count - 1; i >= bestMoves; i--) {
      const v = moves[i]!;
      const back = side[v] === 0 ? 1 : 0;
      if (back === 0) {
        weight0 += vertexWeights[v]!;
        weight1 -= vertexWeights[v]!;
      } else {
        weight1 += vertexWeights[v]!;
        weight0 -= vertexWeights[v]!;
      }
      side[v] = back;
      gain[v] = -gain[v]!;
      for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
        const u = targets[e]!;
        gain[u] += side[u] === back ? -2 * edgeWeights[e]! : 2 * edgeWeights[e]!;
      }
    }
    cut = bestCut;
    if (bestMoves === 0 || (bestCut === startCut && bestOver === startOver)) break;
  }
  return cut;
}

/** The bisection FM kernels of build/neuromesh.wasm (assembly/kernels/refine.ts; assembly/ABI.md). */
interface BisectionKernels {
  bisection_gains(offsets: number, targets: number, edgeWeights: number, side: number, n: number, gain: number, degree: number): number;
  bisection_fm_pass(
    offsets: number,
    targets: number,
    edgeWeights: number,
    vertexWeights: number,
    side: number,
    n: number,
    gain: number,
    degree: number,
    locked: number,
    moves: number,
    order: number,
    keys0: number,
    values0: number,
    keys1: number,
    values1: number,
    max0: number,
    max1: number,
    patience: number,
    state: number,
  ): number;
}

const warmed = new WeakSet<WebAssembly.Module>();
const WARM_VERTICES = 64;
const WARM_ROUNDS = 300;

/** Tier the FM kernel up before real use (see src/execute/kernels.ts): a ring cut into stripes. */
function warmUpBisection(host: WasmHost, random: Prng): void {
  warmed.add(host.module);
  const n = WARM_VERTICES;
  const graph = ringGraph(n);
  const goal = { target0: n / 2, max0: n / 2 + 2, max1: n / 2 + 2 };
  for (let round = 0; round < WARM_ROUNDS; round++) {
    const side = Uint8Array.from({ length: n }, (_, v) => ((v >> 2) + round) & 1);
    refineBisectionOnHost(host, graph, side, goal, random, 2);
  }
}

/**
 * refineBisection with each FM pass run by the `bisection_fm_pass` kernel over copies of the
 * graph in the host's arena (released before returning). The visit order of each pass is drawn
 * here, as refineBisection draws it, so the sides are bit for bit the TS path's.
 */
function refineBisectionOnHost(host: WasmHost, graph: WeightedGraph, side: Uint8Array, goal: BisectionGoal, random: Prng, passes: number): number {
  if (!warmed.has(host.module)) {
    // the warm-up draws from its own generator: the caller's sequence stays the TS path's
    warmUpBisection(host, new Prng(1));
  }
  const kernels = host.exports as unknown as BisectionKernels;
  const { n, vertexWeights } = graph;
  const edges = graph.offsets[n]!;
  // a pass pushes each vertex once, then once per edge end of every moved vertex
  const capacity = n + edges + 1;
  const mark = host.arena.mark();
  try {
    const offsetsAt = host.allocArray(Int32Array, n + 1);
    const targetsAt = host.allocArray(Int32Array, edges);
    const edgeWeightsAt = host.allocArray(Int32Array, edges);
    const vertexWeightsAt = host.allocArray(Float64Array, n);
    const sideAt = host.allocArray(Uint8Array, n);
    const gainAt = host.allocArray(Float64Array, n);
    const degreeAt = host.allocArray(Float64Array, n);
    const lockedAt = host.allocArray(Uint8Array, n);
    const movesAt = host.allocArray(Int32Array, n);
    const orderAt = host.allocArray(Int32Array, n);
    const keys0At = host.allocArray(Float64Array, capacity);
    const values0At = host.allocArray(Int32Array, capacity);
    const keys1At = host.allocArray(Float64Array, capacity);
    const values1At = host.allocArray(Int32Array, capacity);
    const stateAt = host.allocArray(Float64Array, 3);
    // views only after the last allocation: a growing memory gets a new buffer
    host.view(Int32Array, offsetsAt, n + 1).set(graph.offsets.subarray(0, n + 1));
    host.view(Int32Array, targetsAt, edges).set(graph.targets.subarray(0, edges));
    host.view(Int32Array, edgeWeightsAt, edges).set(graph.edgeWeights.subarray(0, edges));
    host.view(Float64Array, vertexWeightsAt, n).set(vertexWeights);
    const sideView = host.view(Uint8Array, sideAt, n);
    sideView.set(side);
    const order = host.view(Int32Array, orderAt, n);
    const state = host.view(Float64Array, stateAt, 3);
    let weight0 = 0;
    for (let v = 0; v < n; v++) if (side[v] === 0) weight0 += vertexWeights[v]!;
    state[0] = weight0;
    state[1] = graph.totalVertexWeight - weight0;
    state[2] = kernels.bisection_gains(offsetsAt, targetsAt, edgeWeightsAt, sideAt, n, gainAt, degreeAt);
    const patience = Math.max(25, Math.min(150, n >> 2));
    // drawn in a plain array and copied in: element writes to the shared memory are slower
    const drawn = new Int32Array(n);
    for (let pass = 0; pass < passes; pass++) {
      // randomOrder's Fisher–Yates: the same draws
      for (let i = 0; i < n; i++) drawn[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = random.nextInt(i + 1);
        const swap = drawn[i]!;
        drawn[i] = drawn[j]!;
        drawn[j] = swap;
      }
      order.set(drawn);
      const stop = kernels.bisection_fm_pass(offsetsAt, targetsAt, edgeWeightsAt, vertexWeightsAt, sideAt, n, gainAt, degreeAt, lockedAt, movesAt, orderAt, keys0At, values0At, keys1At, values1At, goal.max0, goal.max1, patience, stateAt);
      if (stop) break;
    }
    side.set(sideView);
    return state[2]!;
  } finally {
    host.arena.release(mark);
  }
}

/**
 * A multilevel bisection (METIS's MultilevelBisect): coarsen this graph further, bisect the
 * coarsest by the best of `tries` grown-and-refined bisections, then project back with FM passes
 * at every level. Small graphs are bisected directly.
 */
function bisect(graph: WeightedGraph, goal: BisectionGoal, tries: number, cuts: number, random: Prng, host: WasmHost | undefined): Uint8Array {
  if (graph.n <= 2 * BISECTION_COARSEN_TO) return bisectDirectly(graph, goal, tries, random, host);
  let best: Uint8Array | null = null;
  let bestOver = Infinity;
  let bestCut = Infinity;
  for (let cut = 0; cut < cuts; cut++) {
    const levels = coarsen(graph, BISECTION_COARSEN_TO, random, host);
    const graphs = [graph, ...levels.map((level) => level.graph)];
    let side = bisectDirectly(graphs[graphs.length - 1]!, goal, tries, random, host);
    let cutWeight = 0;
    for (let level = levels.length; level > 0; level--) {
      const coarseOf = levels[level - 1]!.coarseOf;
      const finer = graphs[level - 1]!;
      const projected = new Uint8Array(finer.n);
      for (let v = 0; v < finer.n; v++) projected[v] = side[coarseOf[v]!]!;
      side = projected;
      cutWeight = refineBisection(finer, side, goal, random, 8, host);
    }
    if (levels.length === 0) cutWeight = bisectionCut(graph, side);
    let weight0 = 0;
    for (let v = 0; v < graph.n; v++) if (side[v] === 0) weight0 += graph.vertexWeights[v]!;
    const over = overweight(weight0, graph.totalVertexWeight - weight0, goal);
    if (over < bestOver || (over === bestOver && cutWeight < bestCut)) {
      best = side;
      bestOver = over;
      bestCut = cutWeight;
    }
  }
  return best!;
}

/** The best of `tries` grown-and-refined bisections. */
function bisectDirectly(graph: WeightedGraph, goal: BisectionGoal, tries: number, random: Prng, host: WasmHost | undefined): Uint8Array {
  const heap = new GainHeap(graph.n);
  let best: Uint8Array | null = null;
  let bestOver = Infinity;
  let bestCut = Infinity;
  for (let t = 0; t < tries; t++) {
    const side = growBisection(graph, goal, random, heap);
    const cut = refineBisection(graph, side, goal, random, 8, host);
    let weight0 = 0;
    for (let v = 0; v < graph.n; v++) if (side[v] === 0) weight0 += graph.vertexWeights[v]!;
    const over = overweight(weight0, graph.totalVertexWeight - weight0, goal);
    if (over < bestOver || (over === bestOver && cut < bestCut)) {
      best = side;
      bestOver = over;
      bestCut = cut;
    }
  }
  return best!;
}

/** The subgraph induced by the vertices on side `which`, and their ids in `graph`. */
function induced(graph: WeightedGraph, side: Uint8Array, which: number): { graph: WeightedGraph; ids: Int32Array } {
  const { n, offsets, targets, edgeWeights, vertexWeights } = graph;
  const local = new Int32Array(n).fill(-1);
  let count = 0;
  for (let v = 0; v < n; v++) if (side[v] === which) local[v] = count++;
  const ids = new Int32Array(count);
  const subOffsets = new Int32Array(count + 1);
  const subWeights = new Float64Array(count);
  let edges = 0;
  for (let v = 0; v < n; v++) {
    if (local[v]! < 0) continue;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) if (local[targets[e]!]! >= 0) edges++;
  }
  const subTargets = new Int32Array(edges);
  const subEdgeWeights = new Int32Array(edges);
  let written = 0;
  let total = 0;
  for (let v = 0; v < n; v++) {
    const l = local[v]!;
    if (l < 0) continue;
    ids[l] = v;
    subWeights[l] = vertexWeights[v]!;
    total += vertexWeights[v]!;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const t = local[targets[e]!]!;
      if (t < 0) continue;
      subTargets[written] = t;
      subEdgeWeights[written] = edgeWeights[e]!;
      written++;
    }
    subOffsets[l + 1] = written;
  }
  return { graph: { n: count, offsets: subOffsets, targets: subTargets, edgeWeights: subEdgeWeights, vertexWeights: subWeights, totalVertexWeight: total }, ids };
}

/**
 * Split `graph` into parts [first, first + k) by recursive bisection, writing owner[ids[v]].
 * `slack` is the allowed relative excess of each side over its target weight.
 */
function recurse(graph: WeightedGraph, ids: Int32Array | null, k: number, first: number, owner: Int32Array, slack: number, tries: number, cuts: number, random: Prng, host: WasmHost | undefined): void {
  if (k === 1 || graph.n === 0) {
    for (let v = 0; v < graph.n; v++) owner[ids ? ids[v]! : v] = first;
    return;
  }
  const k0 = k >> 1;
  const target0 = (graph.totalVertexWeight * k0) / k;
  const target1 = graph.totalVertexWeight - target0;
  const side = bisect(graph, { target0, max0: target0 * (1 + slack), max1: target1 * (1 + slack) }, tries, cuts, random, host);
  for (let s = 0; s < 2; s++) {
    const part = induced(graph, side, s);
    const partIds = ids ? part.ids.map((v) => ids[v]!) : part.ids;
    recurse(part.graph, partIds, s === 0 ? k0 : k - k0, s === 0 ? first : first + k0, owner, slack, tries, cuts, random, host);
  }
}

/**
 * Owner in [0, k) of every vertex of the (coarsest) graph. `slack` is the relative excess each
 * bisection allows a side over its target; the excess compounds down the ⌈log2 k⌉ levels of the
 * recursion, and k-way balancing then evens out what is left. `cuts` multilevel bisections are
 * tried at each split (default BISECTION_CUTS).
 */
export function initialPartition(graph: WeightedGraph, k: number, slack: number, tries: number, random: Prng, host?: WasmHost, cuts = BISECTION_CUTS): Int32Array {
  const owner = new Int32Array(graph.n);
  recurse(graph, null, k, 0, owner, slack, tries, cuts, random, host);
  return owner;
}
