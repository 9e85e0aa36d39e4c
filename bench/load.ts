/**
 * Stage c: load speed of `.el` text (MB/s) and resident bytes per arc of the loaded graph.
 *
 * An R-MAT scale 20 edge list (16 * 2^20 arcs, `src dst` per line, seeded) is written to a
 * temporary file, then loaded with `loadGraph` several times; MB/s = file bytes / load wall time
 * (1 MB = 1e6 bytes). Resident bytes per arc come from the graph's own accounting
 * (`memoryBytes()`: CSR + CSC + weights + delays in shared memory, plus any permutation kept on
 * the JavaScript heap), for the unweighted graph as loaded and for the same arcs with integer
 * weights; the process's RSS growth across a load is reported beside it as a cross-check.
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHostSync } from '../src/index.js';
import { buildGraph, type ArcArrays } from '../src/input/graph.js';
import { generateRmat } from '../src/generate/rmat.js';
import { loadGraph } from '../src/input/load.js';
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

export async function run(options: StageOptions): Promise<StageResult> {
  const scale = options.quick ? 16 : 20;
  const samples = options.quick ? 3 : 3;
  log(`Edge-list load speed (R-MAT scale ${scale}, ${samples} loads)`);
  const arcs = generateRmat({ scale, edgeFactor: 16, seed: SEED });
  const directory = mkdtempSync(path.join(os.tmpdir(), 'neuromesh-load-'));
  try {
    const file = path.join(directory, `rmat${scale}.el`);
    const bytes = writeEdgeList(file, arcs);
    log(`  wrote ${file}: ${(bytes / 1e6).toFixed(0)} MB, ${arcs.src.length} arcs`);
    const host = createHostSync({ initialBytes: options.quick ? 64 << 20 : 320 << 20 });

    // One untimed load: warms the parser's code and sizes the shared memory once.
    let mark = host.arena.mark();
    const first = await loadGraph(host, file, {});
    const memory = first.memoryBytes();
    const n = first.n;
    const m = first.m;
    host.arena.release(mark);

    const rssBefore = process.memoryUsage().rss;
    const timing = await measure('load', async () => {
      const mark = host.arena.mark();
      await loadGraph(host, file, {});
      host.arena.release(mark);
    }, samples, 0);
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    const megabytesPerSecond = bytes / 1e6 / (timing.medianMs / 1000);
    log(`  load        ${megabytesPerSecond.toFixed(0)} MB/s (median ${timing.medianMs.toFixed(0)} ms for ${(bytes / 1e6).toFixed(0)} MB; ${si(m / (timing.medianMs / 1000))}arcs/s)`);
    log(`  resident    ${memory.perArc.toFixed(2)} B/arc unweighted (shared ${memory.shared} B, heap ${memory.heap} B)`);

    // The same arcs with integer weights 1..255: the weighted storage a road or connectome graph gets.
    const weights = new Int32Array(arcs.src.length);
    for (let i = 0; i < weights.length; i++) weights[i] = 1 + ((i * 2654435761) >>> 24);
    mark = host.arena.mark();
    const weighted = buildGraph(host, { ...arcs, weights }, { trusted: true });
    const weightedMemory = weighted.memoryBytes();
    host.arena.release(mark);
    log(`  resident    ${weightedMemory.perArc.toFixed(2)} B/arc integer-weighted`);

    const path_ = save('load', options, {
      graph: { generator: 'R-MAT (0.57, 0.19, 0.19, 0.05)', scale, edgeFactor: 16, seed: SEED, n, m, format: '.el text, "src dst" lines, # n: header' },
      fileBytes: bytes,
      loads: timing.samples,
      medianLoadMs: timing.medianMs,
      minLoadMs: timing.minMs,
      megabytesPerSecond,
      arcsPerSecond: m / (timing.medianMs / 1000),
      residentBytes: { unweighted: memory, integerWeighted: weightedMemory },
      rssGrowthAcrossLoadsBytes: rssGrowth,
      goals: { megabytesPerSecond: 100, bytesPerArc: 16 },
    });
    log(`  -> ${path_}`);
    return {
      stage: 'load',
      headlines: [
        { label: `.el load speed (R-MAT ${scale}, ${(bytes / 1e6).toFixed(0)} MB)`, value: megabytesPerSecond, unit: 'MB/s', goal: '≥ 100', met: megabytesPerSecond >= 100 },
        { label: 'resident bytes per arc, unweighted', value: memory.perArc, unit: 'B/arc', goal: '≤ 16', met: memory.perArc <= 16 },
        { label: 'resident bytes per arc, integer-weighted', value: weightedMemory.perArc, unit: 'B/arc', goal: '≤ 16', met: weightedMemory.perArc <= 16 },
      ],
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
