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
 * in-arcs of v in CSC order; delta += |next[v] - scores[v]|. danglingShare = D / n and
 * teleport = (1 - damping) / n are computed once by the caller.
 *
 * The loop walks two vertices at once (v and v + 1), each with its own strictly sequential sum:
 * a float add waits for the previous one, so two independent chains keep the adder busy without
 * changing any vertex's order of summation.
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
  let v = begin;
  for (; v + 1 < end; v += 2) {
    // arc ranges [first, middle) of v and [middle, last) of v + 1, as byte offsets into inSources
    let first = inSources + (<usize>load<u32>(inOffsets + (<usize>v << 2)) << 2);
    let second = inSources + (<usize>load<u32>(inOffsets + (<usize>(v + 1) << 2)) << 2);
    const middle = second;
    const last = inSources + (<usize>load<u32>(inOffsets + (<usize>(v + 2) << 2)) << 2);
    let sumFirst: f64 = 0.0;
    let sumSecond: f64 = 0.0;
    const common = min(middle - first, last - second);
    const firstCommonEnd = first + common;
    while (first < firstCommonEnd) {
      sumFirst += load<f64>(contrib + (<usize>load<u32>(first) << 3));
      sumSecond += load<f64>(contrib + (<usize>load<u32>(second) << 3));
      first += 4;
      second += 4;
    }
    while (first < middle) {
      sumFirst += load<f64>(contrib + (<usize>load<u32>(first) << 3));
      first += 4;
    }
    while (second < last) {
      sumSecond += load<f64>(contrib + (<usize>load<u32>(second) << 3));
      second += 4;
    }
    const scoreFirst = damping * (sumFirst + danglingShare) + teleport;
    const scoreSecond = damping * (sumSecond + danglingShare) + teleport;
    store<f64>(next + (<usize>v << 3), scoreFirst);
    store<f64>(next + (<usize>(v + 1) << 3), scoreSecond);
    exactsumAdd(delta, abs(scoreFirst - load<f64>(scores + (<usize>v << 3))));
    exactsumAdd(delta, abs(scoreSecond - load<f64>(scores + (<usize>(v + 1) << 3))));
  }
  if (v < end) {
    let arc = inSources + (<usize>load<u32>(inOffsets + (<usize>v << 2)) << 2);
    const last = inSources + (<usize>load<u32>(inOffsets + (<usize>(v + 1) << 2)) << 2);
    let sum: f64 = 0.0;
    for (; arc < last; arc += 4) sum += load<f64>(contrib + (<usize>load<u32>(arc) << 3));
    const score = damping * (sum + danglingShare) + teleport;
    store<f64>(next + (<usize>v << 3), score);
    exactsumAdd(delta, abs(score - load<f64>(scores + (<usize>v << 3))));
  }
  return load<u32>(inOffsets + (<usize>end << 2)) - load<u32>(inOffsets + (<usize>begin << 2));
}
