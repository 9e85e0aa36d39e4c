// Coarsening of the multilevel edge-cut partitioner (multilevel/coarsen.ts, weighted.ts: oracles).
// Returns: view: edge entries; matching: vertices left single; contraction: coarse n (+ stats[0]).
// Method: undirected view by counting sort + row merge; heavy-edge matching in the host's seeded
//   order (ties to smaller degree, two-hop pairing of leftovers); contraction by row merge.
// Requires: undirected CSR u32 offsets/targets, i32 edgeWeights, f64 vertexWeights; scratch sized n.
// Cite: Karypis & Kumar, SIAM J. Sci. Comput. 20(1), 1998; METIS 5 two-hop matching.

/** Above this degree a vertex is not paired two hops away (coarsen.ts: merging hubs joins unrelated regions). */
const TWO_HOP_MAX_DEGREE: u32 = 8;

@inline function at32(base: usize, i: u32): usize {
  return base + (<usize>i << 2);
}

@inline function at64(base: usize, i: u32): usize {
  return base + (<usize>i << 3);
}

/**
 * Heavy-edge matching (coarsen.ts heavyEdgeMatching, statement for statement): `match[v]` =
 * partner, or v itself when unmatched. `order` is the host's seeded permutation of [0, n).
 */
export function heavyEdgeMatch(offsets: usize, targets: usize, edgeWeights: usize, vertexWeights: usize, n: u32, order: usize, maxVertexWeight: f64, match: usize): u32 {
  for (let v: u32 = 0; v < n; v++) store<i32>(at32(match, v), -1);
  let unmatched: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const v = load<u32>(at32(order, i));
    if (load<i32>(at32(match, v)) != -1) continue;
    const room = maxVertexWeight - load<f64>(at64(vertexWeights, v));
    let best: i32 = -1;
    let bestWeight: i32 = -1;
    let bestDegree: u32 = 0;
    const end = load<u32>(at32(offsets, v + 1));
    for (let e = load<u32>(at32(offsets, v)); e < end; e++) {
      const u = load<u32>(at32(targets, e));
      if (load<i32>(at32(match, u)) != -1 || load<f64>(at64(vertexWeights, u)) > room) continue;
      const w = load<i32>(at32(edgeWeights, e));
      if (w < bestWeight) continue;
      const degree = load<u32>(at32(offsets, u + 1)) - load<u32>(at32(offsets, u));
      if (w > bestWeight || degree < bestDegree) {
        best = <i32>u;
        bestWeight = w;
        bestDegree = degree;
      }
    }
    if (best >= 0) {
      store<i32>(at32(match, v), best);
      store<i32>(at32(match, <u32>best), <i32>v);
    } else {
      unmatched++;
    }
  }
  // two-hop pairing when more than a tenth stayed single (the oracle's test, in f64 as there)
  if (<f64>unmatched > <f64>n / 10) {
    for (let i: u32 = 0; i < n; i++) {
      const x = load<u32>(at32(order, i));
      let waiting: i32 = -1;
      const end = load<u32>(at32(offsets, x + 1));
      for (let e = load<u32>(at32(offsets, x)); e < end; e++) {
        const u = load<u32>(at32(targets, e));
        if (load<i32>(at32(match, u)) != -1) continue;
        if (load<u32>(at32(offsets, u + 1)) - load<u32>(at32(offsets, u)) > TWO_HOP_MAX_DEGREE) continue;
        if (waiting < 0) {
          waiting = <i32>u;
        } else if (load<f64>(at64(vertexWeights, u)) + load<f64>(at64(vertexWeights, <u32>waiting)) <= maxVertexWeight) {
          store<i32>(at32(match, u), waiting);
          store<i32>(at32(match, <u32>waiting), <i32>u);
          waiting = -1;
        }
      }
    }
    let waiting: i32 = -1;
    for (let v: u32 = 0; v < n; v++) {
      if (load<i32>(at32(match, v)) != -1 || load<u32>(at32(offsets, v + 1)) != load<u32>(at32(offsets, v))) continue;
      if (waiting < 0) {
        waiting = <i32>v;
      } else if (load<f64>(at64(vertexWeights, v)) + load<f64>(at64(vertexWeights, <u32>waiting)) <= maxVertexWeight) {
        store<i32>(at32(match, v), waiting);
        store<i32>(at32(match, <u32>waiting), <i32>v);
        waiting = -1;
      }
    }
  }
  let single: u32 = 0;
  for (let v: u32 = 0; v < n; v++) {
    if (load<i32>(at32(match, v)) == -1) {
      store<i32>(at32(match, v), <i32>v);
      single++;
    }
  }
  return single;
}

/**
 * Contract a matching (coarsen.ts contract, statement for statement): coarse vertex c is the pair
 * of the c-th smallest unvisited id; writes `coarseOf` (n), the coarse CSR (`coarseOffsets`
 * c + 1, targets and weights up to the finer edge count) and coarse vertex weights. Scratch:
 * `representative` and `position` u32/i32[n]. stats[0] (u32) = coarse edge entries.
 */
export function contractMatching(
  offsets: usize,
  targets: usize,
  edgeWeights: usize,
  vertexWeights: usize,
  n: u32,
  match: usize,
  coarseOf: usize,
  representative: usize,
  position: usize,
  coarseOffsets: usize,
  coarseTargets: usize,
  coarseEdgeWeights: usize,
  coarseVertexWeights: usize,
  stats: usize,
): u32 {
  for (let v: u32 = 0; v < n; v++) store<i32>(at32(coarseOf, v), -1);
  let coarseN: u32 = 0;
  for (let v: u32 = 0; v < n; v++) {
    if (load<i32>(at32(coarseOf, v)) != -1) continue;
    store<u32>(at32(coarseOf, v), coarseN);
    store<u32>(at32(coarseOf, load<u32>(at32(match, v))), coarseN);
    store<u32>(at32(representative, coarseN), v);
    coarseN++;
  }
  for (let c: u32 = 0; c < coarseN; c++) store<i32>(at32(position, c), -1);
  store<u32>(coarseOffsets, 0);
  let written: u32 = 0;
  for (let c: u32 = 0; c < coarseN; c++) {
    const v = load<u32>(at32(representative, c));
    const partner = load<u32>(at32(match, v));
    const rowStart = written;
    const ownWeight = load<f64>(at64(vertexWeights, v));
    store<f64>(at64(coarseVertexWeights, c), partner == v ? ownWeight : ownWeight + load<f64>(at64(vertexWeights, partner)));
    const rounds: u32 = partner == v ? 1 : 2;
    for (let round: u32 = 0; round < rounds; round++) {
      const member = round == 0 ? v : partner;
      const end = load<u32>(at32(offsets, member + 1));
      for (let e = load<u32>(at32(offsets, member)); e < end; e++) {
        const t = load<u32>(at32(coarseOf, load<u32>(at32(targets, e))));
        if (t == c) continue;
        const w = load<i32>(at32(edgeWeights, e));
        const slot = load<i32>(at32(position, t));
        if (slot >= 0) {
          const weightAt = at32(coarseEdgeWeights, <u32>slot);
          store<i32>(weightAt, load<i32>(weightAt) + w);
        } else {
          store<i32>(at32(position, t), <i32>written);
          store<u32>(at32(coarseTargets, written), t);
          store<i32>(at32(coarseEdgeWeights, written), w);
          written++;
        }
      }
    }
    for (let e = rowStart; e < written; e++) store<i32>(at32(position, load<u32>(at32(coarseTargets, e))), -1);
    store<u32>(at32(coarseOffsets, c + 1), written);
  }
  store<u32>(stats, written);
  return coarseN;
}

/**
 * The undirected simple view of a directed CSR (weighted.ts undirectedView, statement for
 * statement): every non-loop arc u -> v written into the rows of u and v by a counting sort, then
 * each row merged in place, parallel entries summed into `weights`. `start` u32[n + 1] and
 * `cursor` u32[n] are scratch, `position` i32[n] scratch (all -1 on return); `raw` and `weights`
 * hold 2m entries (the first `returned` are the view's targets and weights); `offsets` u32[n + 1].
 */
export function undirectedView(outOffsets: usize, outTargets: usize, n: u32, start: usize, cursor: usize, raw: usize, weights: usize, position: usize, offsets: usize): u32 {
  for (let v: u32 = 0; v <= n; v++) store<u32>(at32(start, v), 0);
  // degree of v counted at start[v + 1], so the prefix sum below leaves row starts in place
  for (let u: u32 = 0; u < n; u++) {
    const end = load<u32>(at32(outOffsets, u + 1));
    for (let a = load<u32>(at32(outOffsets, u)); a < end; a++) {
      const v = load<u32>(at32(outTargets, a));
      if (v == u) continue;
      const du = at32(start, u + 1);
      store<u32>(du, load<u32>(du) + 1);
      const dv = at32(start, v + 1);
      store<u32>(dv, load<u32>(dv) + 1);
    }
  }
  for (let v: u32 = 0; v < n; v++) store<u32>(at32(start, v + 1), load<u32>(at32(start, v + 1)) + load<u32>(at32(start, v)));
  for (let v: u32 = 0; v < n; v++) {
    store<u32>(at32(cursor, v), load<u32>(at32(start, v)));
    store<i32>(at32(position, v), -1);
  }
  for (let u: u32 = 0; u < n; u++) {
    const end = load<u32>(at32(outOffsets, u + 1));
    for (let a = load<u32>(at32(outOffsets, u)); a < end; a++) {
      const v = load<u32>(at32(outTargets, a));
      if (v == u) continue;
      const cu = at32(cursor, u);
      const iu = load<u32>(cu);
      store<u32>(at32(raw, iu), v);
      store<u32>(cu, iu + 1);
      const cv = at32(cursor, v);
      const iv = load<u32>(cv);
      store<u32>(at32(raw, iv), u);
      store<u32>(cv, iv + 1);
    }
  }
  store<u32>(offsets, 0);
  let written: u32 = 0;
  for (let v: u32 = 0; v < n; v++) {
    const rowStart = written;
    const end = load<u32>(at32(start, v + 1));
    for (let e = load<u32>(at32(start, v)); e < end; e++) {
      const t = load<u32>(at32(raw, e));
      const slot = load<i32>(at32(position, t));
      if (slot >= 0) {
        const weightAt = at32(weights, <u32>slot);
        store<i32>(weightAt, load<i32>(weightAt) + 1);
      } else {
        store<i32>(at32(position, t), <i32>written);
        store<u32>(at32(raw, written), t);
        store<i32>(at32(weights, written), 1);
        written++;
      }
    }
    for (let e = rowStart; e < written; e++) store<i32>(at32(position, load<u32>(at32(raw, e))), -1);
    store<u32>(at32(offsets, v + 1), written);
  }
  return written;
}
