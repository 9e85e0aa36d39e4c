// Single-source shortest paths (weights >= 0), one call per round of a label-correcting worklist.
// Returns: round: the size of the next worklist; finalize: the largest finite distance.
// Method: Bellman-Ford-Moore with a deduplicated worklist. Its fixed point is unique, so it equals
//   Dijkstra's whatever the order of relaxations or the split across workers: every label is the
//   left-to-right float sum fl(..fl(fl(0 + w1) + w2)..) of some path, so labels >= the minimum
//   of those sums over paths; and at the fixed point each vertex of a minimal path has a label <=
//   that path's prefix sum, by induction, because fl(a + w) is monotone in a. Hence label = min.
// Requires: dist f64[n] (+Infinity = not reached yet), queued u8[n], worklists u32[n], weights by
//   kind (layout.ts WEIGHT_*). Cite: Bellman (1958), Moore (1959); Dijkstra (1959).
import { WEIGHT_F64, WEIGHT_I32 } from '../layout';

// The weight of the arc at byte offset `arc` of outTargets (same index into the weights region).
@inline function weightAt(kind: i32, weights: usize, arc: usize, outTargets: usize): f64 {
  if (kind == WEIGHT_I32) return <f64>load<i32>(weights + (arc - outTargets));
  if (kind == WEIGHT_F64) return load<f64>(weights + ((arc - outTargets) << 1));
  return 1.0;
}

@inline function relaxFrom(
  kind: i32,
  outOffsets: usize,
  outTargets: usize,
  weights: usize,
  dist: usize,
  queued: usize,
  worklist: usize,
  worklistCount: u32,
  next: usize,
): u32 {
  let count: u32 = 0;
  for (let i: u32 = 0; i < worklistCount; i++) {
    const u = load<u32>(worklist + (<usize>i << 2));
    // u leaves the worklist: an improvement from here on must queue it again
    store<u8>(queued + <usize>u, 0);
    const base = load<f64>(dist + (<usize>u << 3));
    let arc = outTargets + (<usize>load<u32>(outOffsets + (<usize>u << 2)) << 2);
    const last = outTargets + (<usize>load<u32>(outOffsets + (<usize>(u + 1) << 2)) << 2);
    for (; arc < last; arc += 4) {
      const v = load<u32>(arc);
      const candidate = base + weightAt(kind, weights, arc, outTargets);
      const slot = dist + (<usize>v << 3);
      if (candidate < load<f64>(slot)) {
        store<f64>(slot, candidate);
        if (load<u8>(queued + <usize>v) == 0) {
          store<u8>(queued + <usize>v, 1);
          store<u32>(next + (<usize>count << 2), v);
          count++;
        }
      }
    }
  }
  return count;
}

/** Relax the out-arcs of every worklist vertex; improved vertices not yet queued join `next`. */
export function ssspRound(
  weightKind: i32,
  outOffsets: usize,
  outTargets: usize,
  weights: usize,
  dist: usize,
  queued: usize,
  worklist: usize,
  worklistCount: u32,
  next: usize,
): u32 {
  // one specialised loop per weight kind: the kind test stays out of the arc loop
  if (weightKind == WEIGHT_I32) return relaxFrom(WEIGHT_I32, outOffsets, outTargets, weights, dist, queued, worklist, worklistCount, next);
  if (weightKind == WEIGHT_F64) return relaxFrom(WEIGHT_F64, outOffsets, outTargets, weights, dist, queued, worklist, worklistCount, next);
  return relaxFrom(0, outOffsets, outTargets, weights, dist, queued, worklist, worklistCount, next);
}


/** Replace +Infinity (never reached) by -1 over [begin, end); returns the largest finite distance (-1 if none). */
export function ssspFinalize(dist: usize, begin: u32, end: u32): f64 {
  let largest: f64 = -1.0;
  for (let v = begin; v < end; v++) {
    const slot = dist + (<usize>v << 3);
    const value = load<f64>(slot);
    if (value == Infinity) store<f64>(slot, -1.0);
    else if (value > largest) largest = value;
  }
  return largest;
}
