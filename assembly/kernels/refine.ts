// Greedy k-way boundary refinement of a multilevel edge-cut partition, one call per pass.
// Returns: boundary: the number of boundary vertices listed; pass: the length of the next pass's list
//   (stats f64[2] receives moves made and cut gained).
// Method: each listed vertex moves to the adjacent part it is most connected to when that lowers the
//   cut, or keeps it and evens the weights, and the target stays within `limit`; the vertices that
//   moved and their neighbours make the next list. The TS driver shuffles the list between calls.
// Requires: undirected CSR (offsets u32[n+1], targets u32[2E], edgeWeights i32[2E]), vertexWeights
//   f64[n], owner i32[n], partWeight f64[k], connection f64[k] all zero, touched i32[k], queued
//   i32[n]. Cite: Karypis & Kumar, "Multilevel k-way partitioning scheme for irregular graphs" (1998).

/** Write the vertices with a neighbour in another part to `list`, in id order; returns their count. */
export function refineBoundary(offsets: usize, targets: usize, owner: usize, n: u32, list: usize): u32 {
  let count: u32 = 0;
  for (let v: u32 = 0; v < n; v++) {
    const own = load<i32>(owner + (<usize>v << 2));
    const end = load<u32>(offsets + (<usize>(v + 1) << 2));
    for (let e = load<u32>(offsets + (<usize>v << 2)); e < end; e++) {
      if (load<i32>(owner + (<usize>load<u32>(targets + (<usize>e << 2)) << 2)) != own) {
        store<u32>(list + (<usize>count << 2), v);
        count++;
        break;
      }
    }
  }
  return count;
}

/** Add `v` to the next list unless it is already there for this pass. */
@inline function enqueue(queued: usize, next: usize, count: u32, v: u32, pass: i32): u32 {
  const at = queued + (<usize>v << 2);
  if (load<i32>(at) == pass) return count;
  store<i32>(at, pass);
  store<u32>(next + (<usize>count << 2), v);
  return count + 1;
}

/** One greedy pass over `list[0, count)` (refine.ts refineKway is the oracle, statement for statement). */
export function refineKwayPass(
  offsets: usize,
  targets: usize,
  edgeWeights: usize,
  vertexWeights: usize,
  owner: usize,
  partWeight: usize,
  connection: usize,
  touched: usize,
  list: usize,
  count: u32,
  next: usize,
  queued: usize,
  pass: i32,
  limit: f64,
  stats: usize,
): u32 {
  let nextCount: u32 = 0;
  let moved: f64 = 0;
  let gained: f64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const v = load<u32>(list + (<usize>i << 2));
    const from = load<i32>(owner + (<usize>v << 2));
    const begin = load<u32>(offsets + (<usize>v << 2));
    const end = load<u32>(offsets + (<usize>(v + 1) << 2));
    // gather: connection weight by neighbouring part, parts touched in first-seen order
    let internal: f64 = 0;
    let touchedCount: i32 = 0;
    for (let e = begin; e < end; e++) {
      const p = load<i32>(owner + (<usize>load<u32>(targets + (<usize>e << 2)) << 2));
      const w = <f64>load<i32>(edgeWeights + (<usize>e << 2));
      if (p == from) {
        internal += w;
      } else {
        const at = connection + (<usize>p << 3);
        const old = load<f64>(at);
        if (old == 0) {
          store<i32>(touched + (<usize>touchedCount << 2), p);
          touchedCount++;
        }
        store<f64>(at, old + w);
      }
    }
    if (touchedCount == 0) continue;
    const weight = load<f64>(vertexWeights + (<usize>v << 3));
    let best: i32 = -1;
    let bestGain: f64 = -Infinity;
    let bestWeight: f64 = 0;
    for (let t: i32 = 0; t < touchedCount; t++) {
      const p = load<i32>(touched + (<usize>t << 2));
      const pw = load<f64>(partWeight + (<usize>p << 3));
      if (pw + weight > limit) continue;
      const gain = load<f64>(connection + (<usize>p << 3)) - internal;
      if (gain > bestGain || (gain == bestGain && best >= 0 && pw < bestWeight)) {
        best = p;
        bestGain = gain;
        bestWeight = pw;
      }
    }
    for (let t: i32 = 0; t < touchedCount; t++) store<f64>(connection + (<usize>load<i32>(touched + (<usize>t << 2)) << 3), 0);
    if (best < 0) continue;
    const fromAt = partWeight + (<usize>from << 3);
    // Zero-gain moves only when they even out the weights, so that passes cannot cycle.
    if (bestGain > 0 || (bestGain == 0 && bestWeight + weight < load<f64>(fromAt))) {
      store<i32>(owner + (<usize>v << 2), best);
      store<f64>(fromAt, load<f64>(fromAt) - weight);
      const toAt = partWeight + (<usize>best << 3);
      store<f64>(toAt, load<f64>(toAt) + weight);
      moved += 1;
      gained += bestGain;
      nextCount = enqueue(queued, next, nextCount, v, pass);
      for (let e = begin; e < end; e++) nextCount = enqueue(queued, next, nextCount, load<u32>(targets + (<usize>e << 2)), pass);
    }
  }
  store<f64>(stats, moved);
  store<f64>(stats + 8, gained);
  return nextCount;
}
