/**
 * PageRank oracles, plain TypeScript over an arc list, independent of the kernels.
 *
 * `pagerankOracle` follows DESIGN.md's convention to the letter: each vertex's sum of in-arc
 * contributions x[u] / outdeg(u) is the exact real sum rounded once to nearest even, as are the
 * dangling mass and the L1 change. It computes those sums with the BigInt oracle of
 * ./exactsum.ts (not the kernels' fixed-point limbs), and the kernels must agree bit for bit.
 * `pagerankNaive` is the textbook float64 power iteration (plain sums in another order), for a
 * tolerance check: it shows the convention, not just the order, is right.
 */
import { exactSumOracle } from './exactsum.js';

export interface OracleArcs {
  n: number;
  src: ArrayLike<number>;
  dst: ArrayLike<number>;
  weights?: ArrayLike<number>;
}

export interface PagerankOracleOptions {
  damping?: number;
  iterations?: number;
  tolerance?: number;
}

export interface PagerankOracleResult {
  scores: Float64Array;
  iterations: number;
  converged: boolean;
}

/** In-neighbour lists in input order (any order would do: the sums are exact). */
function inNeighbours(arcs: OracleArcs): number[][] {
  const lists: number[][] = Array.from({ length: arcs.n }, () => []);
  for (let i = 0; i < arcs.src.length; i++) lists[arcs.dst[i]!]!.push(arcs.src[i]!);
  return lists;
}

function outDegrees(arcs: OracleArcs): number[] {
  const degree = new Array<number>(arcs.n).fill(0);
  for (let i = 0; i < arcs.src.length; i++) degree[arcs.src[i]!]!++;
  return degree;
}

export function pagerankOracle(arcs: OracleArcs, options: PagerankOracleOptions = {}): PagerankOracleResult {
  const d = options.damping ?? 0.85;
  const maxIterations = options.iterations ?? 100;
  const tolerance = options.tolerance ?? 1e-12;
  const n = arcs.n;
  if (n === 0) return { scores: new Float64Array(0), iterations: 0, converged: true };
  const incoming = inNeighbours(arcs);
  const degree = outDegrees(arcs);
  let x = new Float64Array(n).fill(1 / n);
  const teleport = (1 - d) / n;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const danglingScores: number[] = [];
    for (let u = 0; u < n; u++) if (degree[u] === 0) danglingScores.push(x[u]!);
    const danglingShare = exactSumOracle(danglingScores) / n;
    const next = new Float64Array(n);
    const changes: number[] = [];
    for (let v = 0; v < n; v++) {
      const sum = exactSumOracle(incoming[v]!.map((u) => x[u]! / degree[u]!));
      next[v] = d * (sum + danglingShare) + teleport;
      changes.push(Math.abs(next[v]! - x[v]!));
    }
    x = next;
    if (exactSumOracle(changes) < tolerance) return { scores: x, iterations: iteration, converged: true };
  }
  return { scores: x, iterations: maxIterations, converged: false };
}

/** Textbook power iteration: push along out-arcs in input order, plain float sums. */
export function pagerankNaive(arcs: OracleArcs, options: PagerankOracleOptions = {}): Float64Array {
  const d = options.damping ?? 0.85;
  const maxIterations = options.iterations ?? 100;
  const tolerance = options.tolerance ?? 1e-12;
  const n = arcs.n;
  const degree = outDegrees(arcs);
  let x = new Float64Array(n).fill(1 / n);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let dangling = 0;
    for (let u = 0; u < n; u++) if (degree[u] === 0) dangling += x[u]!;
    const next = new Float64Array(n).fill((1 - d) / n + (d * dangling) / n);
    for (let i = 0; i < arcs.src.length; i++) next[arcs.dst[i]!]! += (d * x[arcs.src[i]!]!) / degree[arcs.src[i]!]!;
    let change = 0;
    for (let v = 0; v < n; v++) change += Math.abs(next[v]! - x[v]!);
    x = next;
    if (change < tolerance) break;
  }
  return x;
}
