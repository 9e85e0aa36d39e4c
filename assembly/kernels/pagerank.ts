// PageRank, one iteration in two phases over a vertex range [begin, end).
// Returns: scatter: the number of dangling vertices; pull and partial: the number of in-arcs read;
//   apply: the number of vertices whose in-arc sum was out of range (their score is NaN).
// Method: pull over in-arcs (CSC); each vertex's sum of contributions is EXACT (fixed point,
//   lib/fixedsum.ts) and rounded once, so no order or split of its in-arcs can change a bit;
//   dangling mass and the L1 change go through the exact accumulator (lib/exactsum.ts).
// Requires: CSR/CSC regions of src/memory/layout.ts; scores, contrib, next f64[n]; accumulators
//   cleared by the caller. Cite: Page, Brin, Motwani, Winograd (1999); DESIGN.md conventions.
//
// Range (why the fixed-point window of lib/fixedsum.ts holds every PageRank sum exactly): damping
// is validated in (0, 1), so 1 - d >= 2^-53; every score x >= (1 - d) / n >= 2^-85 (n < 2^32);
// every contribution x / outdeg >= 2^-117 (outdeg < 2^32), with its lowest bit >= 2^-169, and
// <= x <= ~1; a vertex's sum is <= ~1. The window takes [2^-124, 2) per value (lowest bit 2^-176)
// and sums < 2^15. A value outside it (negative, NaN, infinite, subnormal, too small or too large:
// only a foreign host can pass one) poisons the sum: the score becomes NaN, so does the L1 change,
// and the neuromesh host throws SimulationError E_SUM_RANGE. Never a silently wrong number.
import { exactsumAdd } from '../lib/exactsum';
import { FIXEDSUM_ROW_BYTES, fixedsumIndexed, fixedsumRoundRow } from '../lib/fixedsum';

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
 * Phase B: next[v] = damping * (sum + danglingShare) + teleport with sum = the exact sum of
 * contrib over the in-arcs of v, rounded once to nearest even; delta += |next[v] - scores[v]|.
 * danglingShare = D / n and teleport = (1 - damping) / n are computed once by the caller.
 * `next` may be `scores` itself: phase B reads other vertices only through contrib, and reads
 * scores[v] before writing next[v]. In place saves a whole stream of memory traffic (~15%).
 *
 * The loop is bound by memory (random reads of contrib). The exact sum adds work per arc (a
 * split of each double into two integer parts, two SIMD lanes, lib/fixedsum.ts); against the
 * left-to-right float sum it replaced it costs ~35-40% per superstep on R-MAT scale 20 (paired
 * A/B in one process on a loaded 2-core machine). Shifting into carry-save columns instead, or
 * the same split without SIMD, measured 2-3x slower. Fusing the next iteration's phase A into
 * this loop measured no faster, so the phases stay apart, as a partitioned run needs them anyway
 * (contrib of ghosts is exchanged in between).
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
    const sum = fixedsumIndexed(inSources, contrib, start, stop, 0, false);
    const score = damping * (sum + danglingShare) + teleport;
    const previous = load<f64>(scores + (<usize>v << 3));
    store<f64>(next + (<usize>v << 3), score);
    exactsumAdd(delta, abs(score - previous));
    start = stop;
  }
  return start - first;
}

/**
 * Phase B, split: row v of `limbs` (FIXEDSUM_ROW_BYTES each, at limbs + v * 24) := the exact sum
 * of contrib over the in-arcs of v, for v in [begin, end) (overwritten, not added). A vertex whose
 * in-arcs are spread over partitions gets one row per partition; the rows merge exactly with
 * fixedsum_add_rows and pagerankApply finishes the vertex, with the same bits as pagerankPull.
 */
export function pagerankPartial(inOffsets: usize, inSources: usize, contrib: usize, begin: u32, end: u32, limbs: usize): u32 {
  let start = load<u32>(inOffsets + (<usize>begin << 2));
  const first = start;
  for (let v = begin; v < end; v++) {
    const stop = load<u32>(inOffsets + (<usize>(v + 1) << 2));
    fixedsumIndexed(inSources, contrib, start, stop, limbs + <usize>v * <usize>FIXEDSUM_ROW_BYTES, true);
    start = stop;
  }
  return start - first;
}

/**
 * Phase B, finish: next[v] = damping * (round(row v) + danglingShare) + teleport and
 * delta += |next[v] - scores[v]| for v in [begin, end): pagerankPull's arithmetic after its sum.
 * `next` may be `scores`.
 */
export function pagerankApply(
  limbs: usize,
  scores: usize,
  next: usize,
  begin: u32,
  end: u32,
  damping: f64,
  danglingShare: f64,
  teleport: f64,
  delta: usize,
): u32 {
  let outOfRange: u32 = 0;
  for (let v = begin; v < end; v++) {
    const sum = fixedsumRoundRow(limbs + <usize>v * <usize>FIXEDSUM_ROW_BYTES);
    if (isNaN(sum)) outOfRange++;
    const score = damping * (sum + danglingShare) + teleport;
    const previous = load<f64>(scores + (<usize>v << 3));
    store<f64>(next + (<usize>v << 3), score);
    exactsumAdd(delta, abs(score - previous));
  }
  return outOfRange;
}
