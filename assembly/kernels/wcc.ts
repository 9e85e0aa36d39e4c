// Weakly connected components, labelled by the smallest vertex id in each component.
// Returns: union: the number of merges done; finalize: the number of components.
// Method: union-find over the arcs, always linking the larger root under the smaller, with path
//   halving; so parent[x] <= x always and each root is its set's smallest id. Finalize labels in
//   ascending id order, where label[parent[v]] is already final.
// Requires: parent i32[n] (wccInit), CSR regions. Cite: Tarjan & van Leeuwen, "Worst-case
//   analysis of set union algorithms" (JACM 1984).

@inline function parentOf(parent: usize, x: u32): u32 {
  return load<u32>(parent + (<usize>x << 2));
}

@inline function findRoot(parent: usize, start: u32): u32 {
  let x = start;
  let p = parentOf(parent, x);
  while (p != x) {
    // path halving: point x at its grandparent, then step there
    const grandparent = parentOf(parent, p);
    store<u32>(parent + (<usize>x << 2), grandparent);
    x = grandparent;
    p = parentOf(parent, x);
  }
  return x;
}

/** parent[v] = v over [begin, end). */
export function wccInit(parent: usize, begin: u32, end: u32): u32 {
  for (let v = begin; v < end; v++) store<u32>(parent + (<usize>v << 2), v);
  return end - begin;
}

/** Union the two ends of every out-arc of vertices [begin, end). */
export function wccUnion(outOffsets: usize, outTargets: usize, parent: usize, begin: u32, end: u32): u32 {
  let merges: u32 = 0;
  for (let u = begin; u < end; u++) {
    let arc = outTargets + (<usize>load<u32>(outOffsets + (<usize>u << 2)) << 2);
    const last = outTargets + (<usize>load<u32>(outOffsets + (<usize>(u + 1) << 2)) << 2);
    if (arc == last) continue;
    let rootU = findRoot(parent, u);
    for (; arc < last; arc += 4) {
      const rootV = findRoot(parent, load<u32>(arc));
      if (rootV == rootU) continue;
      if (rootV < rootU) {
        store<u32>(parent + (<usize>rootU << 2), rootV);
        rootU = rootV;
      } else {
        store<u32>(parent + (<usize>rootV << 2), rootU);
      }
      merges++;
    }
  }
  return merges;
}

/** labels[v] = root of v for v in [0, n) (labels may be the parent region itself). */
export function wccFinalize(parent: usize, labels: usize, n: u32): u32 {
  let components: u32 = 0;
  for (let v: u32 = 0; v < n; v++) {
    const p = parentOf(parent, v);
    if (p == v) {
      store<u32>(labels + (<usize>v << 2), v);
      components++;
    } else {
      // p < v: its label is already final
      store<u32>(labels + (<usize>v << 2), load<u32>(labels + (<usize>p << 2)));
    }
  }
  return components;
}

/**
 * WCC on one partition's local graph (distributed runs): `root` i32[n] is wccFinalize's output over
 * the local arcs (root[v] = the local component's smallest local id), `labels` i32[n] hold global
 * labels (min-id so far). Gives every local vertex the smallest label of its local component; a
 * vertex whose label drops and is not yet flagged is flagged and appended to `out`. Returns the new
 * length of `out`. `rootLabel` is scratch i32[n].
 */
export function wccLocalMin(root: usize, labels: usize, rootLabel: usize, n: u32, flags: usize, out: usize, outCount: u32): u32 {
  for (let v: u32 = 0; v < n; v++) store<i32>(rootLabel + (<usize>v << 2), 0x7fffffff);
  for (let v: u32 = 0; v < n; v++) {
    const slot = rootLabel + (<usize>parentOf(root, v) << 2);
    const label = load<i32>(labels + (<usize>v << 2));
    if (label < load<i32>(slot)) store<i32>(slot, label);
  }
  let length = outCount;
  for (let v: u32 = 0; v < n; v++) {
    const smallest = load<i32>(rootLabel + (<usize>parentOf(root, v) << 2));
    if (smallest < load<i32>(labels + (<usize>v << 2))) {
      store<i32>(labels + (<usize>v << 2), smallest);
      if (load<u8>(flags + <usize>v) == 0) {
        store<u8>(flags + <usize>v, 1);
        store<u32>(out + (<usize>length << 2), v);
        length++;
      }
    }
  }
  return length;
}
