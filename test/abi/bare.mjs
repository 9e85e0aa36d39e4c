// A foreign host's view of build/neuromesh.wasm: plain WebAssembly, no loader, none of neuromesh's
// TypeScript. Lays out a 4-vertex graph by hand in a shared memory, calls the exports as
// assembly/ABI.md describes, and prints what it got as JSON (test/abi/abi.test.ts checks it).
//
// graph (arcs in CSR order): 0->1, 0->2, 1->2, 2->0, 3->2
import { readFileSync } from 'node:fs';

const bytes = readFileSync(new URL('../../build/neuromesh.wasm', import.meta.url));
const module = new WebAssembly.Module(bytes);
const imports = WebAssembly.Module.imports(module);
const exportNames = WebAssembly.Module.exports(module).map((e) => `${e.kind}:${e.name}`);
const memory = new WebAssembly.Memory({ initial: 4, maximum: 65536, shared: true });
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;

// our own bump allocator above the module's static data
let top = Math.ceil(k.heap_base() / 65536) * 65536;
function alloc(bytes) {
  const at = Math.ceil(top / 64) * 64;
  top = at + bytes;
  return at;
}
function u32s(values) {
  const at = alloc(values.length * 4);
  new Uint32Array(memory.buffer, at, values.length).set(values);
  return at;
}

const n = 4;
const outOffsets = u32s([0, 2, 3, 4, 5]);
const outTargets = u32s([1, 2, 2, 0, 2]);
const inOffsets = u32s([0, 1, 2, 5, 5]);
const inSources = u32s([2, 0, 0, 1, 3]);

// BFS from 0, top-down, one call per level
const levels = alloc(4 * n);
const lists = [alloc(4 * n), alloc(4 * n)];
const stats = alloc(8);
new Int32Array(memory.buffer, levels, n).set([0, -1, -1, -1]);
new Uint32Array(memory.buffer, lists[0], 1)[0] = 0;
let count = 1;
const frontierSizes = [];
for (let level = 1; count > 0; level++) {
  count = k.bfs_top_down(outOffsets, outTargets, levels, lists[(level + 1) % 2], count, lists[level % 2], level, stats);
  frontierSizes.push(count);
}
const bfsLevels = [...new Int32Array(memory.buffer, levels, n)];

// one PageRank iteration from 1/n
const scores = alloc(8 * n);
const next = alloc(8 * n);
const contrib = alloc(8 * n);
const dangling = alloc(k.exactsum_bytes());
const delta = alloc(k.exactsum_bytes());
new Float64Array(memory.buffer, scores, n).fill(1 / n);
k.exactsum_clear(dangling);
k.exactsum_clear(delta);
const danglingCount = k.pagerank_scatter(outOffsets, scores, contrib, 0, n, dangling);
const danglingMass = k.exactsum_finalize(dangling);
const arcsRead = k.pagerank_pull(inOffsets, inSources, contrib, scores, next, 0, n, 0.85, danglingMass / n, 0.15 / n, delta);
const change = k.exactsum_finalize(delta);

// the same iteration split: in-arcs of vertex 2 dealt to two parts (a vertex-cut), per-part rows
// of fixed-point limbs merged into part A's rows, then applied
const rowBytes = k.fixedsum_row_bytes();
const partA = u32s([0, 1, 2, 4, 4]); // over inSources: vertex 2 gets sources 0, 1 here ...
const partB = u32s([0, 0, 0, 1, 1]); // ... and source 3 there
const rowsA = alloc(rowBytes * n);
const rowsB = alloc(rowBytes * n);
k.pagerank_partial(partA, inSources, contrib, 0, n, rowsA);
k.pagerank_partial(partB, u32s([3]), contrib, 0, n, rowsB);
const mirrored = u32s([2]);
const packed = alloc(rowBytes);
k.fixedsum_gather_rows(rowsB, mirrored, 1, packed);
k.fixedsum_add_rows(rowsA, packed, mirrored, 1);
const splitNext = alloc(8 * n);
const splitDelta = alloc(k.exactsum_bytes());
k.exactsum_clear(splitDelta);
const splitOutOfRange = k.pagerank_apply(rowsA, scores, splitNext, 0, n, 0.85, danglingMass / n, 0.15 / n, splitDelta);
const splitChange = k.exactsum_finalize(splitDelta);

// WCC: union all arcs, then labels in place
const parent = alloc(4 * n);
k.wcc_init(parent, 0, n);
k.wcc_union(outOffsets, outTargets, parent, 0, n);
const components = k.wcc_finalize(parent, parent, n);

console.log(
  JSON.stringify({
    imports,
    exportNames,
    bfsLevels,
    frontierSizes,
    pagerank: [...new Float64Array(memory.buffer, next, n)],
    pagerankSplit: [...new Float64Array(memory.buffer, splitNext, n)],
    splitOutOfRange,
    splitChange,
    danglingCount,
    danglingMass,
    arcsRead,
    change,
    components,
    labels: [...new Int32Array(memory.buffer, parent, n)],
  }),
);
