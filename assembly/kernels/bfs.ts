// Breadth-first search levels, one call per level, top-down or bottom-up.
// Returns: the size of the next frontier (vertices given level `level` by this call).
// Method: top-down expands the frontier over out-arcs (CSR); bottom-up lets every unvisited
//   vertex look for a parent at level - 1 over its in-arcs (CSC). Either gives the same levels.
// Requires: levels i32[n] (-1 = unvisited), frontier/next u32 lists of up to n entries, a stats
//   f64 slot. Cite: Beamer, Asanović, Patterson, "Direction-Optimizing BFS" (SC 2012).

/**
 * Top-down step: every unvisited out-neighbour of a frontier vertex gets `level` and joins
 * `next`, in discovery order. stats[0] = Σ out-degree of the new frontier (for the switch).
 */
export function bfsTopDown(
  outOffsets: usize,
  outTargets: usize,
  levels: usize,
  frontier: usize,
  frontierCount: u32,
  next: usize,
  level: i32,
  stats: usize,
): u32 {
  let count: u32 = 0;
  let arcs: u64 = 0;
  for (let i: u32 = 0; i < frontierCount; i++) {
    const u = load<u32>(frontier + (<usize>i << 2));
    let arc = outTargets + (<usize>load<u32>(outOffsets + (<usize>u << 2)) << 2);
    const last = outTargets + (<usize>load<u32>(outOffsets + (<usize>(u + 1) << 2)) << 2);
    for (; arc < last; arc += 4) {
      const v = load<u32>(arc);
      const slot = levels + (<usize>v << 2);
      if (load<i32>(slot) < 0) {
        store<i32>(slot, level);
        store<u32>(next + (<usize>count << 2), v);
        count++;
        arcs += <u64>(load<u32>(outOffsets + (<usize>(v + 1) << 2)) - load<u32>(outOffsets + (<usize>v << 2)));
      }
    }
  }
  store<f64>(stats, <f64>arcs);
  return count;
}

/**
 * Bottom-up step over vertices [begin, end): an unvisited vertex with an in-neighbour at
 * level - 1 gets `level` and joins `next` (in id order). Vertices set in this call have `level`,
 * not level - 1, so they never serve as parents in the same call. stats[0] as for top-down.
 */
export function bfsBottomUp(
  inOffsets: usize,
  inSources: usize,
  outOffsets: usize,
  levels: usize,
  begin: u32,
  end: u32,
  next: usize,
  level: i32,
  stats: usize,
): u32 {
  let count: u32 = 0;
  let arcs: u64 = 0;
  const parentLevel = level - 1;
  for (let v = begin; v < end; v++) {
    const slot = levels + (<usize>v << 2);
    if (load<i32>(slot) >= 0) continue;
    let arc = inSources + (<usize>load<u32>(inOffsets + (<usize>v << 2)) << 2);
    const last = inSources + (<usize>load<u32>(inOffsets + (<usize>(v + 1) << 2)) << 2);
    for (; arc < last; arc += 4) {
      if (load<i32>(levels + (<usize>load<u32>(arc) << 2)) == parentLevel) {
        store<i32>(slot, level);
        store<u32>(next + (<usize>count << 2), v);
        count++;
        arcs += <u64>(load<u32>(outOffsets + (<usize>(v + 1) << 2)) - load<u32>(outOffsets + (<usize>v << 2)));
        break;
      }
    }
  }
  store<f64>(stats, <f64>arcs);
  return count;
}
