/**
 * Stage c: load speed of `.el` text (MB/s) and resident bytes per arc of the loaded graph.
 *
 * An R-MAT scale 20 edge list (16 * 2^20 arcs, `src dst` per line, seeded) is written to a
 * temporary file, then loaded with `loadGraph` several times; MB/s = file bytes / load wall time
 * (1 MB = 1e6 bytes). Twice: arcs in the generator's random order, and sorted by source as real
 * edge lists usually are (the graph then keeps no permutation, and building it is cheaper). Resident bytes per arc come from the graph's own accounting
 * (`memoryBytes()`: CSR + CSC + weights + delays in shared memory, plus any permutation kept on
 * the JavaScript heap), for the unweighted graph as loaded and for the same arcs with integer
 * weights.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHostSync } from '../src/index.js';
import { buildGraph, type ArcArrays, type NeuromorphicGraph } from '../src/input/graph.js';
import { generateRmat } from '../src/generate/rmat.js';
import { loadGraph } from '../src/input/load.js';
import { finishGraph, readGraphArcs } from '../src/input/parse.js';
import { log, measure, save, si, type StageOptions, type StageResult } from './common.js';

const SEED = 20261128;

/** Write `src dst [weight]` lines with a `# n:` header, formatting digits by hand into big chunks. */
function writeEdgeList(file: string, arcs: ArcArrays, weights?: Int32Array): number {
  const handle = openSync(file, 'w');
  const chunk = Buffer.allocUnsafe(1 << 22);
  let used = 0;
  const flush = (): void => {
    writeSync(handle, chunk, 0, used);
    used = 0;
  };
  const header = Buffer.from(`# name: rmat-bench\n# n: ${arcs.n}\n# m: ${arcs.src.length}\n`);
  header.copy(chunk, 0);
  used = header.length;
  const digits = new Uint8Array(12);
  const put = (value: number): void => {
    let length = 0;
    do {
      digits[length++] = 48 + (value % 10);
      value = Math.floor(value / 10);
    } while (value > 0);
    while (length > 0) chunk[used++] = digits[--length]!;
  };
  const m = arcs.src.length;
  for (let i = 0; i < m; i++) {
    if (used > chunk.length - 64) flush();
    put(arcs.src[i]!);
    chunk[used++] = 32;
    put(arcs.dst[i]!);
    if (weights) {
      chunk[used++] = 32;
      put(weights[i]!);
    }
    chunk[used++] = 10;
  }
  flush();
  closeSync(handle);
  return statSync(file).size;
}

/** A file in 4 MiB chunks, one buffer reused (the parser copies what it keeps), as loadGraph reads it. */
function* fileChunks(file: string): Generator<Uint8Array> {
  const handle = openSync(file, 'r');
  const buffer = new Uint8Array(4 << 20);
  try {
    for (;;) {
      const read = readSync(handle, buffer, 0, buffer.length, null);
      if (read === 0) return;
      yield read === buffer.length ? buffer : buffer.subarray(0, read);
    }
  } finally {
    closeSync(handle);
  }
}

/** The same arcs sorted by source (stable counting sort), as most edge-list files are. */
function sortedBySource(arcs: ArcArrays): ArcArrays {
  const m = arcs.src.length;
  const start = new Uint32Array(arcs.n + 1);
  for (let i = 0; i < m; i++) start[arcs.src[i]! + 1]!++;
  for (let v = 0; v < arcs.n; v++) start[v + 1]! += start[v]!;
  const src = new Uint32Array(m);
  const dst = new Uint32Array(m);
  for (let i = 0; i < m; i++) {
    const position = start[arcs.src[i]!]!++;
    src[position] = arcs.src[i]!;
    dst[position] = arcs.dst[i]!;
  }
  return { n: arcs.n, src, dst };
}

interface Variant {
  order: string;
  fileBytes: number;
  loads: number;
  medianLoadMs: number;
  minLoadMs: number;
  megabytesPerSecond: number;
  arcsPerSecond: number;
  /** the fastest of two runs of each loader step on its own: text to arc arrays, arc arrays to graph */
  bestSplitMs: { parseMs: number; buildMs: number };
  residentBytes: { unweighted: ReturnType<NeuromorphicGraph['memoryBytes']>; integerWeighted: ReturnType<NeuromorphicGraph['memoryBytes']> };
}

export async function run(options: StageOptions): Promise<StageResult> {
  const scale = options.quick ? 16 : 20;
  const samples = 3;
  log(`Edge-list load speed (R-MAT scale ${scale}, ${samples} loads per file)`);
  const generated = generateRmat({ scale, edgeFactor: 16, seed: SEED });
  const directory = mkdtempSync(path.join(os.tmpdir(), 'neuromesh-load-'));
  const host = createHostSync({ initialBytes: options.quick ? 64 << 20 : 320 << 20 });
  const variants: Variant[] = [];
  let n = 0;
  let m = 0;
  try {
    // The generator's order (Graph500: arcs in random order, so the graph keeps a permutation back
    // to input order), then the same arcs sorted by source like the real files in test/fixtures/data.
    for (const [order, arcs] of [['generated (random) order', generated], ['sorted by source', sortedBySource(generated)]] as const) {
      const file = path.join(directory, `rmat${scale}.el`);
      const bytes = writeEdgeList(file, arcs);
      log(`  ${order}: wrote ${(bytes / 1e6).toFixed(0)} MB, ${arcs.src.length} arcs`);

      // One untimed load: warms the parser's code and sizes the shared memory once.
      let mark = host.arena.mark();
      const first = loadGraph(host, file, {});
      const memory = first.memoryBytes();
      n = first.n;
      m = first.m;
      host.arena.release(mark);

      const timing = await measure('load', () => {
        const mark = host.arena.mark();
        loadGraph(host, file, {});
        host.arena.release(mark);
      }, samples, 0);
      const megabytesPerSecond = bytes / 1e6 / (timing.medianMs / 1000);

      // Where the time goes (for whoever tunes the loader): the text parse into arc arrays, and the
      // CSR/CSC build from them, through the loader's own two steps on the same file.
      const parseMs: number[] = [];
      const buildMs: number[] = [];
      for (let sample = 0; sample < 2; sample++) {
        const parseOptions = { name: file, sizeHint: bytes };
        let started = performance.now();
        const parsed = readGraphArcs(fileChunks(file), 'el', parseOptions);
        parseMs.push(performance.now() - started);
        const mark = host.arena.mark();
        started = performance.now();
        finishGraph(host, parsed, parseOptions);
        buildMs.push(performance.now() - started);
        host.arena.release(mark);
      }
      const split = { parseMs: Math.min(...parseMs), buildMs: Math.min(...buildMs) };

      // The same arcs with integer weights 1..255: the storage a road or connectome graph gets.
      const weights = new Int32Array(arcs.src.length);
      for (let i = 0; i < weights.length; i++) weights[i] = 1 + (Math.imul(i, 2654435761) >>> 24);
      mark = host.arena.mark();
      const weightedMemory = buildGraph(host, { ...arcs, weights }, { trusted: true }).memoryBytes();
      host.arena.release(mark);
      log(`    load ${megabytesPerSecond.toFixed(0)} MB/s (median ${timing.medianMs.toFixed(0)} ms, best ${timing.minMs.toFixed(0)} ms; ${si(m / (timing.medianMs / 1000))}arcs/s); ` +
          `best parse ${split.parseMs.toFixed(0)} ms (${(bytes / 1e3 / split.parseMs).toFixed(0)} MB/s) + build ${split.buildMs.toFixed(0)} ms; ` +
          `resident ${memory.perArc.toFixed(2)} B/arc unweighted (heap ${(memory.heap / m).toFixed(2)} of it), ${weightedMemory.perArc.toFixed(2)} B/arc integer-weighted`);
      variants.push({
        order,
        fileBytes: bytes,
        loads: timing.samples,
        medianLoadMs: timing.medianMs,
        minLoadMs: timing.minMs,
        megabytesPerSecond,
        arcsPerSecond: m / (timing.medianMs / 1000),
        bestSplitMs: split,
        residentBytes: { unweighted: memory, integerWeighted: weightedMemory },
      });
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const file = save('load', options, {
    graph: { generator: 'R-MAT (0.57, 0.19, 0.19, 0.05)', scale, edgeFactor: 16, seed: SEED, n, m, format: '.el text, "src dst" lines, # n: header' },
    megabyte: 1e6,
    variants,
    note: 'resident bytes = CSR + CSC (+ weights) in shared memory, plus the arc permutation kept on the heap when the input is not sorted by source',
    goals: { megabytesPerSecond: 100, bytesPerArc: 16 },
  });
  log(`  -> ${file}`);
  const [random, sorted] = variants as [Variant, Variant];
  return {
    stage: 'load',
    headlines: [
      { label: `.el load speed (R-MAT ${scale}, ${(random.fileBytes / 1e6).toFixed(0)} MB, generated order)`, value: random.megabytesPerSecond, unit: 'MB/s', goal: '≥ 100', met: random.megabytesPerSecond >= 100 },
      { label: '.el load speed (same arcs sorted by source)', value: sorted.megabytesPerSecond, unit: 'MB/s', goal: '≥ 100', met: sorted.megabytesPerSecond >= 100 },
      { label: `resident bytes per arc, unweighted (sorted input: ${sorted.residentBytes.unweighted.perArc.toFixed(2)})`, value: random.residentBytes.unweighted.perArc, unit: 'B/arc', goal: '≤ 16', met: random.residentBytes.unweighted.perArc <= 16 },
      { label: `resident bytes per arc, int-weighted (sorted input: ${sorted.residentBytes.integerWeighted.perArc.toFixed(2)})`, value: random.residentBytes.integerWeighted.perArc, unit: 'B/arc', goal: '≤ 16', met: random.residentBytes.integerWeighted.perArc <= 16 },
    ],
  };
}
