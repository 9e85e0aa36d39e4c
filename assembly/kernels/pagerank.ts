// PageRank, one iteration in two phases over a vertex range [begin, end).
// Returns: scatter: the number of dangling vertices; pull: the number of in-arcs read.
// Method: pull over in-arcs (CSC, whose per-vertex order is global CSR arc order), summing the
//   contributions left to right so that the bits do not depend on how vertices are split;
//   dangling mass and the L1 change go through the exact accumulator (lib/exactsum.ts).
// Requires: CSR/CSC regions of src/memory/layout.ts; scores, contrib, next f64[n]; accumulators
//   cleared by the caller. Cite: Page, Brin, Motwani, Winograd (1999); DESIGN.md conventions.
import { exactsumAdd } from '../lib/exactsum';

/**
 * Phase A: contrib[u] = scores[u] / outdeg[u] for outdeg > 0; dangling += scores[u] otherwise
 * (contrib[u] = 0 then: nothing reads it, but the region stays fully defined).
 */
export function pagerankScatter(outOffsets: usize, scores: usize, contrib: usize, begin: u32, end: u32, dangling: usize): u32 {
  let danglingCount: u32 = 0;
  let offset = load<u32>(outOffsets + (<usize>begin << 2));
  for (let u = begin; u < end; u++) {
    const nextOffset = load<u32>(outOffsets + (<usize>(u + 1) << 2));
    const degree = nextOffset - offset;
    const score = load<f64>(scores + (<usize>u << 3));
    if (degree == 0) {
      exactsumAdd(dangling, score);
      store<f64>(contrib + (<usize>u << 3), 0.0);
      danglingCount++;
    } else {
      store<f64>(contrib + (<usize>u << 3), score / <f64>degree);
    }
    offset = nextOffset;
  }
  return danglingCount;
}

/**
 * Phase B: next[v] = damping * (sum + danglingShare) + teleport with sum = Σ contrib over the
 * in-arcs of v in CSC order, strictly left to right; delta += |next[v] - scores[v]|.
 * danglingShare = D / n and teleport = (1 - damping) / n are computed once by the caller.
 * `next` may be `scores` itself: phase B reads other vertices only through contrib, and reads
 * scores[v] before writing next[v]. In place saves a whole stream of memory traffic (~15%).
 *
 * The loop is bound by memory (random reads of contrib), not by the chain of float adds: walking
 * two or four vertices at once, or two SIMD lanes, measured 10-15% slower than this plain loop
 * unrolled by four (R-MAT scale 20, 16M arcs), which matched gcc -O3 on the same loop. Fusing the
 * next iteration's phase A into this loop (one pass less) measured no faster, so the phases stay
 * apart, as a partitioned run needs them anyway (contrib of ghosts is exchanged in between).
 */
export function pagerankPull(
  inOffsets: usize,
  inSources: usize,
  contrib: usize,
  scores: usize,
  next: usize,
  begin: u32,
  end: u32,
  damping: f64,
  danglingShare: f64,
  teleport: f64,
  delta: usize,
): u32 {
  let start = load<u32>(inOffsets + (<usize>begin << 2));
  const first = start;
  for (let v = begin; v < end; v++) {
    const stop = load<u32>(inOffsets + (<usize>(v + 1) << 2));
    // byte offsets of this vertex's in-arcs in inSources
    let arc = inSources + (<usize>start << 2);
    const last = inSources + (<usize>stop << 2);
    let sum: f64 = 0.0;
    // unrolled by four; the adds stay in arc order
    for (; last - arc > 12; arc += 16) {
      sum += load<f64>(contrib + (<usize>load<u32>(arc) << 3));
      sum += load<f64>(contrib + (<usize>load<u32>(arc, 4) << 3));
      sum += load<f64>(contrib + (<usize>load<u32>(arc, 8) << 3));
      sum += load<f64>(contrib + (<usize>load<u32>(arc, 12) << 3));
    }
    for (; arc < last; arc += 4) sum += load<f64>(contrib + (<usize>load<u32>(arc) << 3));
    const score = damping * (sum + danglingShare) + teleport;
    const previous = load<f64>(scores + (<usize>v << 3));
    store<f64>(next + (<usize>v << 3), score);
    exactsumAdd(delta, abs(score - previous));
    start = stop;
  }
  return start - first;
}

