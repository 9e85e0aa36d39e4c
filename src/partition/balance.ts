/**
 * LoadBalancer (issue 3, item 6): evens a per-algorithm load model over the parts of a finished
 * assignment by moving the cheapest things off the heaviest part.
 *
 * What moves depends on the strategy, so that the strategy's own invariant survives:
 * - edge-cut: whole vertices (the pull model takes a vertex's in-arcs along); a move's damage is
 *   internal − external connections, i.e. the arcs (either direction) to neighbours on the part it
 *   leaves minus those to neighbours on the part it joins, which is exactly the change in cut arcs.
 * - vertex-cut: single arcs; damage = the copies the move creates on the target (an end not there
 *   yet) minus the copies it removes from the source (an end whose only arc there it was, and
 *   whose master is elsewhere). And masters: a master moved to a part that holds a copy of its
 *   vertex (or, for a vertex without arcs, to any part) creates no copy, and carries the vertex's
 *   cost; under a model where a vertex weighs 15 arcs (PageRank) the balancer would otherwise move
 *   ~15 arcs per master's worth of excess, one ranked round after another (R-MAT 17, k = 2: 48 s
 *   instead of 0.1 s).
 * - hybrid: a low-degree vertex (its in-arcs all on its master's part, in-degree ≤ `threshold`
 *   when given) moves as a whole with its in-arcs, with the edge-cut damage; a hub's in-arcs move
 *   one by one with the vertex-cut damage. So low-degree in-arcs stay together.
 *
 * Each round takes the heaviest part, ranks what it may give by damage (then weight, then id, so
 * the result is deterministic), and moves things in that order to the best part with room (most
 * connections / fewest new copies, then lightest) until the part is within the limit. A move
 * only ever goes to a part that stays within the limit, so the excess Σ max(0, load − limit)
 * shrinks with every move and the loop ends; it also ends when the heaviest part can give nothing
 * that fits anywhere ("no move helps"). A round moves a quarter of the part's excess and then
 * ranks again, since every move changes its neighbours' damage. Each round is O(n + m) (O(n + m·k)
 * for arcs); rounds are at most 24k + 16.
 */
import { OptionsError } from '../errors.js';
import type { AlgorithmName } from '../execute/types.js';
import { ALGORITHMS } from '../execute/types.js';
import { imbalance as imbalanceOf, modelLoads, reverseArcs, type LoadModel } from './metrics.js';
import { arcOwnersOf, checkPartitionCount, type ArcTopology, type PartitionAssignment } from './plan.js';

export interface BalanceOptions {
  /** the load of a part: vertex and arc costs (see `loadModelFor`) */
  model: LoadModel;
  /** target max / mean − 1 (default 0.03) */
  imbalance?: number;
  /** hybrid: the in-degree threshold the assignment was made with (default: inferred, see the module comment) */
  threshold?: number;
}

export const DEFAULT_BALANCE_IMBALANCE = 0.03;

/** Share of a part's excess moved before the candidates are ranked again (fresh damages). */
const RANK_AGAIN_SHARE = 0.25;
/** Rounds allowed per part: a part needs ~log_(4/3)(excess / unit) rounds, ~20 for a 1000-fold excess. */
const MAX_ROUNDS_PER_PART = 24;

/**
 * How balanced a part load is: `imbalance` = max / mean − 1 of `loads` (metrics.ts), and `score`
 * = 1 / (1 + imbalance) = mean / max, in (0, 1]: 1 when every part carries the same load, 0.5
 * when the heaviest carries twice the mean. It is the parallel efficiency a bulk-synchronous
 * superstep would have if time were proportional to the load (everyone waits for the heaviest).
 */
export interface LoadBalanceScore {
  imbalance: number;
  loads: Float64Array;
  score: number;
}

/**
 * Per-algorithm load models, in units of one arc relaxation (the inner loop of every kernel):
 * - pagerank: every superstep pulls over every in-arc (a random load and an exact fixed-point add)
 *   and finishes every vertex once: its contribution (a division, or the exact dangling sum), the
 *   rounding of its exact in-arc sum and the exact L1 change, with branches that go either way at
 *   random (dangling or not, in-arcs or none). Measured per partition on R-MAT 20 edge-cut plans
 *   (k = 2, 4, 8, 14 partitions, least squares over compute time per iteration): 23 ns per master
 *   and 1.5 ns per in-arc, i.e. a vertex costs ~15 arcs. (The 0.3 assumed before put the 450k
 *   vertices without in-arcs of R-MAT 20 into one partition that ran twice as long as the rest.)
 * - bfs, sssp, wcc: each arc is examined about once per change of its source over the run; the
 *   per-vertex work is a comparison, taken as a quarter of an arc.
 * - lif: every neuron integrates every step (leak, threshold, refractory: ~2 arc-equivalents, see
 *   lif-model.md) while a synapse costs only when its source spikes; at a few Hz and 1 ms steps
 *   a synapse works in ~1 step of 100, hence 2 per neuron and 0.05 per synapse: with the mean
 *   fan-out of the connectomes (~20-40) neurons and synapses cost about the same.
 */
export const LOAD_MODEL_COSTS: Readonly<Record<AlgorithmName, { vertexCost: number; arcCost: number }>> = {
  pagerank: { vertexCost: 15, arcCost: 1 },
  bfs: { vertexCost: 0.25, arcCost: 1 },
  sssp: { vertexCost: 0.25, arcCost: 1 },
  wcc: { vertexCost: 0.25, arcCost: 1 },
  lif: { vertexCost: 2, arcCost: 0.05 },
};

/** The load model of an algorithm (see LOAD_MODEL_COSTS). */
export function loadModelFor(algorithm: AlgorithmName): LoadModel {
  if (!(ALGORITHMS as readonly string[]).includes(algorithm)) throw new OptionsError('algorithm', `must be one of ${ALGORITHMS.join(', ')}`, algorithm);
  return { ...LOAD_MODEL_COSTS[algorithm] };
}

/** See LoadBalanceScore. */
export function calculateLoadBalanceScore(assignment: PartitionAssignment, graph: ArcTopology, model: LoadModel = {}): LoadBalanceScore {
  const loads = modelLoads(assignment, graph, model);
  const imbalance = imbalanceOf(loads);
  return { imbalance, loads, score: 1 / (1 + imbalance) };
}

function costOf(cost: number | ArrayLike<number> | undefined): (index: number) => number {
  if (cost === undefined) return () => 1;
  if (typeof cost === 'number') return () => cost;
  return (index) => cost[index]!;
}

/** In-arcs by target with their CSR arc index (metrics.reverseArcs), and the source of every arc. */
function inArcsOf(graph: ArcTopology): { inOffsets: Uint32Array; inArcs: Uint32Array; sources: Uint32Array } {
  const { inOffsets, inArcs } = reverseArcs(graph, null, true);
  const offsets = graph.outOffsets;
  const sources = new Uint32Array(graph.m);
  for (let u = 0; u < graph.n; u++) sources.fill(u, offsets[u]!, offsets[u + 1]!);
  return { inOffsets, inArcs: inArcs!, sources };
}

interface Candidate {
  /** a vertex (whole-vertex move), an arc, or a master alone */
  kind: 0 | 1 | 2;
  id: number;
  weight: number;
  damage: number;
  /** connections to (vertex) or copies already on (arc) the chosen destination: ties go to the better attached */
  attachment: number;
}
const VERTEX = 0;
const ARC = 1;
/** a master alone (vertex-cut, hybrid hubs): its vertex's cost, no arcs */
const MASTER = 2;

/**
 * Balance `assignment` under `options.model` (see the module comment). Returns a new assignment
 * (the input is not modified) with the same strategy and k; every vertex and arc keeps exactly
 * one owner. Throws OptionsError on a bad option.
 */
export function balanceLoad(graph: ArcTopology, assignment: PartitionAssignment, options: BalanceOptions): PartitionAssignment {
  const { k, strategy } = assignment;
  checkPartitionCount(k);
  if (options === undefined || options.model === undefined || options.model === null || typeof options.model !== 'object') {
    throw new OptionsError('model', 'is required (a LoadModel; see loadModelFor)', options?.model);
  }
  const target = options.imbalance ?? DEFAULT_BALANCE_IMBALANCE;
  if (!(typeof target === 'number' && target >= 0 && target <= 10)) throw new OptionsError('imbalance', 'must be a number in [0, 10]', target);
  const threshold = options.threshold;
  if (threshold !== undefined && !(typeof threshold === 'number' && threshold >= 0)) throw new OptionsError('threshold', 'must be a number ≥ 0', threshold);

  const { n, m } = graph;
  const offsets = graph.outOffsets;
  const targets = graph.outTargets;
  const vertexOwner = assignment.vertexOwner.slice();
  const pull = strategy === 'edge-cut';
  // edge-cut keeps arcOwner null (pull model); a given one is carried along as the vertices move
  const arcOwner = pull ? (assignment.arcOwner ? assignment.arcOwner.slice() : null) : arcOwnersOf(assignment, graph).slice();
  // modelLoads validates the model's lengths and values (OptionsError)
  const loads = modelLoads({ ...assignment, vertexOwner, arcOwner: arcOwner ?? null }, graph, options.model);
  const vertexCost = costOf(options.model.vertexCost);
  const arcCost = costOf(options.model.arcCost);
  let total = 0;
  for (let p = 0; p < k; p++) total += loads[p]!;
  const limit = (1 + target) * (total / k) * (1 + 1e-12);
  const result = (): PartitionAssignment => ({ k, strategy, vertexOwner, arcOwner });
  if (k === 1 || total === 0 || imbalanceOf(loads) <= target) return result();

  const { inOffsets, inArcs, sources } = inArcsOf(graph);
  // grouped[v]: v moves as a whole with its in-arcs (edge-cut: every vertex; hybrid: low-degree ones)
  const grouped = new Uint8Array(n);
  if (pull) grouped.fill(1);
  else if (strategy === 'hybrid') {
    for (let v = 0; v < n; v++) {
      const start = inOffsets[v]!;
      const end = inOffsets[v + 1]!;
      if (end === start || (threshold !== undefined && end - start > threshold)) continue;
      let together = true;
      for (let j = start; j < end && together; j++) together = arcOwner![inArcs[j]!] === vertexOwner[v];
      grouped[v] = together ? 1 : 0;
    }
  }
  const ownerOfArc = (a: number): number => (arcOwner ? arcOwner[a]! : vertexOwner[targets[a]!]!);
  // unitWeight[v] for grouped vertices: the vertex and its in-arcs
  const unitWeight = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    if (!grouped[v]) continue;
    let w = vertexCost(v);
    for (let j = inOffsets[v]!; j < inOffsets[v + 1]!; j++) w += arcCost(inArcs[j]!);
    unitWeight[v] = w;
  }

  // scratch, reused across rounds
  const connections = new Float64Array(k);
  const touched = new Int32Array(k);

  /** Connections of v to each part (arcs either way, by the neighbour's vertex owner); returns touched count. */
  const tallyConnections = (v: number): number => {
    let count = 0;
    const add = (y: number): void => {
      if (y === v) return;
      const q = vertexOwner[y]!;
      if (connections[q]!++ === 0) touched[count++] = q;
    };
    for (let a = offsets[v]!; a < offsets[v + 1]!; a++) add(targets[a]!);
    for (let j = inOffsets[v]!; j < inOffsets[v + 1]!; j++) add(sources[inArcs[j]!]!);
    return count;
  };
  // per round: the parts holding a copy of each vertex met (k flags each), and each vertex's arcs on
  // the heaviest part; both go stale as the round moves things, which only blurs the ranking
  let copyCache = new Map<number, Uint8Array>();
  const onHeaviest = new Int32Array(n);
  const copiesOf = (x: number): Uint8Array => {
    let flags = copyCache.get(x);
    if (flags) return flags;
    flags = new Uint8Array(k);
    flags[vertexOwner[x]!] = 1;
    for (let a = offsets[x]!; a < offsets[x + 1]!; a++) flags[ownerOfArc(a)] = 1;
    for (let j = inOffsets[x]!; j < inOffsets[x + 1]!; j++) flags[ownerOfArc(inArcs[j]!)] = 1;
    copyCache.set(x, flags);
    return flags;
  };

  /** Best destination for a whole vertex v leaving p: most connections among parts with room, else the lightest with room. */
  const vertexMove = (v: number, p: number, weight: number): { to: number; damage: number; attachment: number } => {
    const count = tallyConnections(v);
    const internal = connections[p]!;
    let to = -1;
    let best = -1;
    for (let t = 0; t < count; t++) {
      const q = touched[t]!;
      const c = connections[q]!;
      if (q !== p && loads[q]! + weight <= limit && (c > best || (c === best && (loads[q]! < loads[to]! || (loads[q] === loads[to] && q < to))))) {
        to = q;
        best = c;
      }
    }
    for (let t = 0; t < count; t++) connections[touched[t]!] = 0;
    if (to < 0) {
      to = lightestExcept(p);
      best = 0;
      if (loads[to]! + weight > limit) return { to: -1, damage: Infinity, attachment: 0 };
    }
    return { to, damage: internal - best, attachment: best };
  };
  /** Best destination for arc a (u -> v) leaving p: the part with room where most of its ends already have copies. */
  const arcMove = (a: number, p: number, weight: number): { to: number; damage: number; attachment: number } => {
    const u = sources[a]!;
    const v = targets[a]!;
    const uOn = copiesOf(u);
    const vOn = copiesOf(v);
    let to = -1;
    let fresh = 3;
    for (let q = 0; q < k; q++) {
      if (q === p || loads[q]! + weight > limit) continue;
      const created = 2 - uOn[q]! - vOn[q]!;
      if (created < fresh || (created === fresh && loads[q]! < loads[to]!)) {
        to = q;
        fresh = created;
      }
    }
    if (to < 0) return { to: -1, damage: Infinity, attachment: 0 };
    // copies the move removes from p: an end whose only arc on p this is, mastered elsewhere
    let removed = 0;
    if (vertexOwner[u] !== p && onHeaviest[u] === 1) removed++;
    if (v !== u && vertexOwner[v] !== p && onHeaviest[v] === 1) removed++;
    return { to, damage: fresh - removed, attachment: 2 - fresh };
  };
  /**
   * Best destination for the master of v (not grouped) leaving p: a part with room that holds a copy
   * of v (no new copy), the lightest such; else the lightest with room (one new copy). damage = new
   * copies minus the copy p loses (v's master was its only copy on p: no arc of v there).
   */
  const masterMove = (v: number, p: number, weight: number): { to: number; damage: number; attachment: number } => {
    const on = copiesOf(v);
    const isolated = offsets[v] === offsets[v + 1] && inOffsets[v] === inOffsets[v + 1];
    let to = -1;
    let fresh = 2;
    for (let q = 0; q < k; q++) {
      if (q === p || loads[q]! + weight > limit) continue;
      // a vertex without arcs has one copy, its master's: moving it creates none
      const created = isolated ? 0 : 1 - on[q]!;
      if (created < fresh || (created === fresh && loads[q]! < loads[to]!)) {
        to = q;
        fresh = created;
      }
    }
    if (to < 0) return { to: -1, damage: Infinity, attachment: 0 };
    const removed = !isolated && onHeaviest[v] === 0 ? 1 : 0;
    return { to, damage: fresh - removed, attachment: 2 - 2 * fresh };
  };
  const lightestExcept = (p: number): number => {
    let best = p === 0 ? 1 : 0;
    for (let q = 0; q < k; q++) if (q !== p && loads[q]! < loads[best]!) best = q;
    return best;
  };

  const maxRounds = MAX_ROUNDS_PER_PART * k + 16;
  const stuck = new Uint8Array(k);
  for (let round = 0; round < maxRounds; round++) {
    let p = -1;
    for (let q = 0; q < k; q++) if (!stuck[q] && loads[q]! > limit && (p < 0 || loads[q]! > loads[p]!)) p = q;
    if (p < 0) break;
    copyCache = new Map();
    if (!pull) {
      onHeaviest.fill(0);
      for (let a = 0; a < m; a++) {
        if (arcOwner![a] !== p) continue;
        onHeaviest[sources[a]!]!++;
        if (targets[a] !== sources[a]) onHeaviest[targets[a]!]!++;
      }
    }
    // what p can give: grouped vertices mastered on p, and (vertex-cut / hybrid) free arcs on p
    const candidates: Candidate[] = [];
    for (let v = 0; v < n; v++) {
      if (grouped[v] && vertexOwner[v] === p && unitWeight[v]! > 0) {
        const { to, damage, attachment } = vertexMove(v, p, unitWeight[v]!);
        if (to >= 0) candidates.push({ kind: VERTEX, id: v, weight: unitWeight[v]!, damage, attachment });
      }
    }
    if (!pull) {
      let freeMasters = 0;
      for (let v = 0; v < n; v++) {
        if (vertexOwner[v] !== p || grouped[v]) continue;
        const weight = vertexCost(v);
        if (weight <= 0) continue;
        const { to, damage, attachment } = masterMove(v, p, weight);
        if (to < 0) continue;
        candidates.push({ kind: MASTER, id: v, weight, damage, attachment });
        if (damage <= 0) freeMasters += weight;
      }
      // masters that move without a new copy cover the excess: no need to rank every arc
      for (let a = 0; a < m && freeMasters < loads[p]! - limit; a++) {
        if (arcOwner![a] !== p || grouped[targets[a]!]) continue;
        const weight = arcCost(a);
        if (weight <= 0) continue;
        const { to, damage, attachment } = arcMove(a, p, weight);
        if (to >= 0) candidates.push({ kind: ARC, id: a, weight, damage, attachment });
      }
    }
    // least damage per unit of load first, then the better attached to its destination (grows
    // the neighbour part along the border instead of leaving islands), then the heavier (fewer
    // moves), then kind and id
    candidates.sort((x, y) => x.damage / x.weight - y.damage / y.weight || y.attachment - x.attachment || y.weight - x.weight || x.kind - y.kind || x.id - y.id);
    let moved = 0;
    // weight of moves that change other candidates' damage (a master moved without a new copy
    // changes none: it does not count toward the round's share)
    let movedWeight = 0;
    // a quarter of the excess per round, then rank again: a move changes its neighbours' damage
    const batch = RANK_AGAIN_SHARE * (loads[p]! - limit);
    for (const candidate of candidates) {
      if (loads[p]! <= limit || (moved > 0 && movedWeight >= batch)) break;
      // the destination is chosen again now: earlier moves of this round changed loads and owners
      if (candidate.kind === VERTEX) {
        const v = candidate.id;
        const { to, damage, attachment } = vertexMove(v, p, candidate.weight);
        // its ranked destination filled up: wait for the next ranking rather than move it blindly
        if (to < 0 || damage > candidate.damage || attachment < candidate.attachment) continue;
        vertexOwner[v] = to;
        if (arcOwner) for (let j = inOffsets[v]!; j < inOffsets[v + 1]!; j++) arcOwner[inArcs[j]!] = to;
        loads[p] -= candidate.weight;
        loads[to] += candidate.weight;
        movedWeight += candidate.weight;
      } else if (candidate.kind === MASTER) {
        const v = candidate.id;
        const { to, damage, attachment } = masterMove(v, p, candidate.weight);
        if (to < 0 || damage > candidate.damage || attachment < candidate.attachment) continue;
        vertexOwner[v] = to;
        copiesOf(v)[to] = 1;
        loads[p] -= candidate.weight;
        loads[to] += candidate.weight;
        if (damage > 0) movedWeight += candidate.weight;
      } else {
        const a = candidate.id;
        const { to, damage, attachment } = arcMove(a, p, candidate.weight);
        if (to < 0 || damage > candidate.damage || attachment < candidate.attachment) continue;
        arcOwner![a] = to;
        copiesOf(sources[a]!)[to] = 1;
        copiesOf(targets[a]!)[to] = 1;
        loads[p] -= candidate.weight;
        loads[to] += candidate.weight;
        movedWeight += candidate.weight;
      }
      moved++;
    }
    if (moved === 0) stuck[p] = 1;
  }
  return result();
}
