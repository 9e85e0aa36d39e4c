/**
 * Stage (opt-in, `npm run bench -- scale`): partitioning at scale. R-MAT scale 22 (4M vertices,
 * 64M arcs, seeded) built into shared memory as a NeuromorphicGraph, then partitioned into 16
 * parts by each strategy: vertex-cut HDRF and NE (the facade's vertex-cut), the PowerLyra hybrid
 * and the multilevel edge-cut; then the whole facade (`partitionGraphForAlgorithm`, PageRank, with
 * balance and plan) for the strategies that fit. Issue 3's goal: no out-of-memory on a 24-GiB machine.
 *
 * Each strategy runs in its own child process (this file with `--child <task>`), so that its peak
 * memory is its own: VmHWM from /proc/self/status is the kernel's high-water mark of the resident
 * set (what an OOM kill is decided on); `process.memoryUsage().rss` is sampled between steps. A child
 * that runs past CHILD_TIMEOUT_MS or dies is reported as such, not as a figure.
 *
 * Not in the default list: it takes several minutes (generation and build alone are ~1 minute).
 * --quick uses scale 18 to check the stage itself.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { log, save, type StageOptions, type StageResult } from './common.js';

const SCRIPT = fileURLToPath(import.meta.url);
const SEED = 1;
const K = 16;
/** A child past this is stopped and reported as "timed out" (a figure we could not measure, not an OOM). */
const CHILD_TIMEOUT_MS = 20 * 60_000;
const TASKS = ['hdrf', 'ne', 'hybrid', 'facade-vertex-cut', 'facade-hybrid', 'edge-cut'] as const;
type Task = (typeof TASKS)[number];

interface ChildResult {
  task: Task;
  scale: number;
  n: number;
  m: number;
  generateMs: number;
  buildMs: number;
  partitionMs: number;
  /** sampled after each step, bytes */
  rssSamples: Record<string, number>;
  /** peak resident set, bytes (/proc/self/status VmHWM) */
  peakBytes: number;
  replicationFactor: number;
  arcImbalance: number;
  loadImbalance: number | null;
}

function vmHwmBytes(): number {
  try {
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function child(task: Task, scale: number): Promise<ChildResult> {
  const { createHostSync } = await import('../src/index.js');
  const { buildGraph } = await import('../src/input/graph.js');
  const { generateRmat } = await import('../src/generate/rmat.js');
  const { vertexCut, neVertexCut } = await import('../src/partition/vertexcut.js');
  const { partitionHybrid } = await import('../src/partition/hybrid.js');
  const { partitionEdgeCut } = await import('../src/partition/edgecut.js');
  const { partitionGraphForAlgorithm } = await import('../src/partition/partitioner.js');
  const { replicationFactor, imbalance, arcLoads } = await import('../src/partition/metrics.js');
  const rssSamples: Record<string, number> = {};
  const sample = (step: string): void => {
    rssSamples[step] = process.memoryUsage().rss;
  };
  let started = performance.now();
  let arcs: ReturnType<typeof generateRmat> | null = generateRmat({ scale, edgeFactor: 16, seed: SEED });
  const generateMs = performance.now() - started;
  sample('generated');
  started = performance.now();
  // arcs (4 B) + CSR/CSC + input order: ~16 B per arc in shared memory
  const host = createHostSync({ initialBytes: Math.min(3.5 * 2 ** 30, 20 * arcs.src.length + (64 << 20)) });
  const graph = buildGraph(host, arcs, { trusted: true });
  arcs = null; // the generator's arrays are garbage from here on
  const buildMs = performance.now() - started;
  sample('built');
  started = performance.now();
  let assignment;
  let loadImbalance: number | null = null;
  switch (task) {
    case 'hdrf':
      assignment = vertexCut(graph, 'hdrf', { k: K, seed: SEED });
      break;
    case 'ne':
      // the facade's vertex-cut for PageRank (vertexLoad = its load model's vertex / arc cost)
      assignment = neVertexCut(graph, { k: K, seed: SEED, vertexLoad: 0.3 });
      break;
    case 'hybrid':
      assignment = partitionHybrid(graph, K, { seed: SEED });
      break;
    case 'edge-cut':
      assignment = partitionEdgeCut(graph, K, { method: 'multilevel', seed: SEED });
      break;
    case 'facade-vertex-cut':
    case 'facade-hybrid': {
      const result = partitionGraphForAlgorithm(graph, 'pagerank', K, { strategy: task === 'facade-hybrid' ? 'hybrid' : 'vertex-cut', seed: SEED });
      assignment = result.assignment;
      loadImbalance = result.balanceScore.imbalance;
      break;
    }
  }
  const partitionMs = performance.now() - started;
  sample('partitioned');
  return {
    task,
    scale,
    n: graph.n,
    m: graph.m,
    generateMs,
    buildMs,
    partitionMs,
    rssSamples,
    peakBytes: vmHwmBytes(),
    replicationFactor: replicationFactor(assignment, graph),
    arcImbalance: imbalance(arcLoads(assignment, graph)),
    loadImbalance,
  };
}

function runChild(task: Task, scale: number): ChildResult | { task: Task; failed: string } {
  try {
    const output = execFileSync(process.execPath, ['--max-old-space-size=16384', '--import', 'tsx', SCRIPT, '--child', task, String(scale)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: CHILD_TIMEOUT_MS,
      maxBuffer: 1 << 20,
    });
    return JSON.parse(output.trim().split('\n').pop()!) as ChildResult;
  } catch (error) {
    const failure = error as { signal?: string; status?: number; message?: string };
    const failed = failure.signal === 'SIGTERM' ? `timed out after ${CHILD_TIMEOUT_MS / 60000} min` : `exit ${failure.status ?? '?'} ${failure.signal ?? ''}: ${failure.message ?? ''}`.slice(0, 300);
    return { task, failed };
  }
}

const GIB = 2 ** 30;

export async function run(options: StageOptions): Promise<StageResult> {
  const scale = options.quick ? 18 : 22;
  const rows: (ChildResult | { task: Task; failed: string })[] = [];
  for (const task of TASKS) {
    log(`scale: R-MAT scale ${scale}, k = ${K}, ${task} ...`);
    const row = runChild(task, scale);
    rows.push(row);
    // saved after every child: a later one may run for many minutes
    save('scale', options, { scale, k: K, seed: SEED, memoryLimitBytes: 24 * GIB, rows });
    if ('failed' in row) log(`scale ${task.padEnd(18)}: FAILED (${row.failed})`);
    else {
      log(
        `scale ${task.padEnd(18)}: partition ${(row.partitionMs / 1000).toFixed(1)} s, peak ${(row.peakBytes / GIB).toFixed(2)} GiB` +
          ` (generate ${(row.generateMs / 1000).toFixed(1)} s, build ${(row.buildMs / 1000).toFixed(1)} s), RF ${row.replicationFactor.toFixed(3)}, arc imbalance ${(row.arcImbalance * 100).toFixed(1)}%` +
          (row.loadImbalance !== null ? `, load imbalance ${(row.loadImbalance * 100).toFixed(1)}%` : ''),
      );
    }
  }
  save('scale', options, { scale, k: K, seed: SEED, memoryLimitBytes: 24 * GIB, rows });
  const headlines: StageResult['headlines'] = [];
  for (const row of rows) {
    if ('failed' in row) {
      headlines.push({ label: `R-MAT ${scale}, k = ${K}, ${row.task}: FAILED (${row.failed.slice(0, 40)})`, value: NaN, unit: 's', goal: 'no OOM', met: false });
      continue;
    }
    headlines.push(
      { label: `R-MAT ${scale}, k = ${K}, ${row.task}: partition time`, value: row.partitionMs / 1000, unit: 's' },
      { label: `R-MAT ${scale}, k = ${K}, ${row.task}: peak resident memory (VmHWM)`, value: row.peakBytes / GIB, unit: 'GiB', goal: '< 24 GiB', met: row.peakBytes < 24 * GIB },
    );
  }
  return { stage: 'scale', headlines };
}

const [flag, task, scaleText] = process.argv.slice(2);
if (flag === '--child' && process.argv[1] === SCRIPT) {
  if (!(TASKS as readonly string[]).includes(task ?? '')) {
    process.stderr.write(`usage: bench/scale.ts --child <${TASKS.join('|')}> <scale>\n`);
    process.exit(2);
  }
  const result = await child(task as Task, Number(scaleText));
  process.stdout.write(JSON.stringify(result) + '\n');
}
