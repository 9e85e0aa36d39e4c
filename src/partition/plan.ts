/**
 * The partitioner's output type: which partition holds each vertex's master and each arc.
 *
 * Every strategy (DESIGN.md, "The pipeline", stage 3) returns a `PartitionAssignment`:
 *
 * - edge-cut: vertices are assigned (`vertexOwner`); arcs follow the **pull model**: the arc
 *   u -> v lives with its target, on vertexOwner[v]. PageRank (and BFS's bottom-up steps) pull
 *   over in-arcs in global arc order, so a vertex's whole in-arc list sits on one partition and
 *   its sum is formed there in the same order as on one worker (the determinism invariant); the
 *   source u becomes a ghost on that partition and its value is what crosses the cut. An
 *   edge-cut assignment may leave `arcOwner` null: `arcOwnersOf` derives it.
 * - vertex-cut and hybrid: arcs are assigned (`arcOwner`, required); `vertexOwner` names the
 *   partition of each vertex's master copy; every other partition holding an arc incident to the
 *   vertex holds a mirror.
 *
 * Arc indices are CSR indices (the graph's out-arc order), not input order; the CLI maps them to
 * input order when it writes `--assignment`.
 */
import { ErrorCode, InputError, NeuromeshError, OptionsError } from '../errors.js';

export const PARTITION_STRATEGIES = ['edge-cut', 'vertex-cut', 'hybrid'] as const;
export type PartitionStrategy = (typeof PARTITION_STRATEGIES)[number];

export interface PartitionAssignment {
  /** number of partitions; some may be empty (k > n, or a partitioner that could not fill them) */
  k: number;
  strategy: PartitionStrategy;
  /** length n: the partition of each vertex's master, in [0, k) */
  vertexOwner: Int32Array;
  /**
   * length m, CSR arc order: the partition of each arc, in [0, k). Null only for edge-cut, where
   * arc u -> v is owned by vertexOwner[v] (pull model, see the module comment).
   */
  arcOwner: Int32Array | null;
}

/**
 * The part of a graph the partition stage reads: vertex and arc counts and the CSR of out-arcs.
 * `NeuromorphicGraph` satisfies it; tests and tools may pass plain arrays.
 */
export interface ArcTopology {
  readonly n: number;
  readonly m: number;
  /** length n + 1 */
  readonly outOffsets: Uint32Array;
  /** length m */
  readonly outTargets: Uint32Array;
}

/** Check that k is a usable partition count (OptionsError naming `option` otherwise). */
export function checkPartitionCount(k: number, option = 'k'): void {
  if (!(Number.isInteger(k) && k >= 1 && k <= 0x7fff_ffff)) {
    throw new OptionsError(option, 'must be an integer in [1, 2^31 - 1]', k);
  }
}

/**
 * The owner of every arc (CSR order), for any strategy. Returns `assignment.arcOwner` itself when
 * present (no copy), else the pull-model owners of an edge-cut: arcOwner[a] = vertexOwner[target].
 */
export function arcOwnersOf(assignment: PartitionAssignment, graph: ArcTopology): Int32Array {
  if (assignment.arcOwner) return assignment.arcOwner;
  if (assignment.strategy !== 'edge-cut') {
    throw new OptionsError('arcOwner', `is required for a ${assignment.strategy} assignment`);
  }
  const { vertexOwner } = assignment;
  const targets = graph.outTargets;
  const owners = new Int32Array(graph.m);
  for (let a = 0; a < owners.length; a++) owners[a] = vertexOwner[targets[a]!]!;
  return owners;
}

/**
 * Verify an assignment against its graph: lengths, owners in [0, k), and arcOwner present where
 * the strategy needs it. Throws InputError (field `vertexOwner` / `arcOwner`) naming the first
 * offending index: an assignment read from a file is input like any other.
 */
export function checkAssignment(assignment: PartitionAssignment, graph: ArcTopology, name = '<assignment>'): void {
  const { k, vertexOwner, arcOwner } = assignment;
  checkPartitionCount(k);
  if (!(PARTITION_STRATEGIES as readonly string[]).includes(assignment.strategy)) {
    throw new InputError(ErrorCode.INPUT_RANGE, `unknown strategy ${JSON.stringify(assignment.strategy)} (known: ${PARTITION_STRATEGIES.join(', ')})`, { file: name, field: 'strategy' });
  }
  if (vertexOwner.length !== graph.n) {
    throw new InputError(ErrorCode.INPUT_SYNTAX, `vertexOwner has ${vertexOwner.length} entries, expected n = ${graph.n}`, { file: name, field: 'vertexOwner' });
  }
  for (let v = 0; v < vertexOwner.length; v++) {
    const p = vertexOwner[v]!;
    if (!(p >= 0 && p < k)) throw new InputError(ErrorCode.INPUT_RANGE, `vertex ${v}: owner ${p} is not a partition in [0, ${k})`, { file: name, field: 'vertexOwner' });
  }
  if (arcOwner === null) {
    if (assignment.strategy !== 'edge-cut') {
      throw new InputError(ErrorCode.INPUT_SYNTAX, `a ${assignment.strategy} assignment needs arcOwner`, { file: name, field: 'arcOwner' });
    }
    return;
  }
  if (arcOwner.length !== graph.m) {
    throw new InputError(ErrorCode.INPUT_SYNTAX, `arcOwner has ${arcOwner.length} entries, expected m = ${graph.m}`, { file: name, field: 'arcOwner' });
  }
  for (let a = 0; a < arcOwner.length; a++) {
    const p = arcOwner[a]!;
    if (!(p >= 0 && p < k)) throw new InputError(ErrorCode.INPUT_RANGE, `arc ${a}: owner ${p} is not a partition in [0, ${k})`, { file: name, field: 'arcOwner' });
  }
}

/** An internal invariant broke (a partitioner bug, not bad input). */
export function partitionBug(problem: string): NeuromeshError {
  return new NeuromeshError(ErrorCode.INTERNAL, `partitioner invariant broken: ${problem}`);
}
