/**
 * `neuromesh partition` (DESIGN.md "Command line"). The graph file is written with its arcs
 * shuffled (not in source order), so an arc owner written in CSR order instead of input order
 * would be caught. The checks are independent of the partitioner: the --assignment file is read
 * back against the arcs parsed here from the text, the pull model and the replication factor
 * recomputed from those arcs, and the --out figures compared with metrics.ts on the same owners.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createHostSync } from '../../src/index.js';
import { loadGraph } from '../../src/input/load.js';
import { loadPartitionMetadata } from '../../src/partition/metadata.js';
import { partitionQuality } from '../../src/partition/metrics.js';
import type { PartitionAssignment, PartitionStrategy } from '../../src/partition/plan.js';
import { Random } from '../helpers/random.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'neuromesh-partition-'));
const temp = (file: string) => join(dir, file);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...args: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), stderrIsTTY: false });
  return { code, stdout, stderr };
}

function expectOneLineError(outcome: Outcome, pattern: RegExp): void {
  expect(outcome.code).toBe(2);
  const lines = outcome.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^neuromesh: /);
  expect(lines[0]).toMatch(pattern);
}

/** A skewed random graph, its arcs shuffled, written as an edge list with a `# n:` header. */
function writeShuffledGraph(path: string, n: number, m: number, seed: number): Array<[number, number]> {
  const random = new Random(seed);
  const arcs: Array<[number, number]> = [];
  for (let i = 0; i < m; i++) {
    const u = random.chance(0.4) ? random.int(0, 3) : random.int(0, n - 1);
    arcs.push([u, random.int(0, n - 1)]);
  }
  random.shuffle(arcs);
  writeFileSync(path, `# n: ${n}\n${arcs.map(([u, v]) => `${u} ${v}`).join('\n')}\n`);
  return arcs;
}

const graphFile = temp('shuffled.el');
const arcs = writeShuffledGraph(graphFile, 60, 400, 17);
const host = createHostSync();
const graph = loadGraph(host, graphFile, { keepInputOrder: true });

interface AssignmentFile {
  strategy: PartitionStrategy;
  k: number;
  vertexOwner: number[];
  arcOwner: number[];
}

/** Replication factor recomputed from the input-order arcs and the owners in the file. */
function replicationFromFile(n: number, file: AssignmentFile): number {
  const copies = Array.from({ length: n }, (_, v) => new Set([file.vertexOwner[v]!]));
  arcs.forEach(([u, v], i) => {
    copies[u]!.add(file.arcOwner[i]!);
    copies[v]!.add(file.arcOwner[i]!);
  });
  return copies.reduce((sum, set) => sum + set.size, 0) / n;
}

describe('neuromesh partition', () => {
  for (const strategy of ['edge-cut', 'vertex-cut', 'hybrid', 'auto'] as const) {
    it(`--strategy ${strategy}: --out figures match metrics on the --assignment owners; arcs in input order`, async () => {
      const out = temp(`${strategy}.json`);
      const assignmentPath = temp(`${strategy}-assignment.json`);
      const outcome = await cli('partition', graphFile, '-k', '4', '--strategy', strategy, '--algo', 'pagerank', '--out', out, '--assignment', assignmentPath);
      expect(outcome.stderr).toBe('');
      expect(outcome.code).toBe(0);
      const figures = JSON.parse(readFileSync(out, 'utf8'));
      const file = JSON.parse(readFileSync(assignmentPath, 'utf8')) as AssignmentFile;
      if (strategy !== 'auto') expect(figures.strategy).toBe(strategy);
      expect(file.strategy).toBe(figures.strategy);
      expect(figures.k).toBe(4);
      expect(figures.n).toBe(60);
      expect(figures.m).toBe(400);

      // every vertex and every arc exactly once, owners in [0, k)
      expect(file.vertexOwner).toHaveLength(60);
      expect(file.arcOwner).toHaveLength(400);
      for (const p of [...file.vertexOwner, ...file.arcOwner]) expect(p >= 0 && p < 4 && Number.isInteger(p)).toBe(true);
      // an edge-cut's arcs follow the pull model, in input order: arc i lives with its target
      if (figures.strategy === 'edge-cut') arcs.forEach(([, v], i) => expect(file.arcOwner[i]).toBe(file.vertexOwner[v]));
      expect(figures.replicationFactor).toBeCloseTo(replicationFromFile(60, file), 12);
      expect(figures.communicationVolume).toBe(Math.round(60 * (replicationFromFile(60, file) - 1)));

      // the same owners, mapped back to CSR order, measured in-process
      const order = graph.arcInputOrder!;
      const arcOwner = Int32Array.from(order, (input) => file.arcOwner[input]!);
      const assignment: PartitionAssignment = { k: 4, strategy: figures.strategy, vertexOwner: Int32Array.from(file.vertexOwner), arcOwner };
      const quality = partitionQuality(assignment, graph);
      expect(figures.cutFraction).toBe(quality.cutFraction);
      expect(figures.undirectedCutFraction).toBe(quality.undirectedCutFraction);
      expect(figures.imbalance.vertices).toBe(quality.vertexImbalance);
      expect(figures.imbalance.arcs).toBe(quality.arcImbalance);
      expect(figures.communicationVolume).toBe(quality.communicationVolume);
      expect(typeof figures.timeMs).toBe('number');

      // stdout carries the same figures for people
      expect(outcome.stdout).toMatch(new RegExp(`strategy: ${figures.strategy}`));
      expect(outcome.stdout).toMatch(new RegExp(`communication volume: ${figures.communicationVolume}\\n`));
      expect(outcome.stdout).toMatch(/cut fraction: /);
      expect(outcome.stdout).toMatch(/replication factor: /);
    });
  }

  it('is deterministic for a seed', async () => {
    const first = temp('seed-a.json');
    const second = temp('seed-b.json');
    expect((await cli('partition', graphFile, '-k', '3', '--strategy', 'vertex-cut', '--seed', '9', '--assignment', first)).code).toBe(0);
    expect((await cli('partition', graphFile, '-k', '3', '--strategy', 'vertex-cut', '--seed', '9', '--assignment', second)).code).toBe(0);
    expect(readFileSync(second, 'utf8')).toBe(readFileSync(first, 'utf8'));
  });

  it('--metadata saves a file that reloads onto this graph with the same owners', async () => {
    const assignmentPath = temp('meta-assignment.json');
    const metadata = temp('partition.nmp');
    const outcome = await cli('partition', graphFile, '-k', '5', '--strategy', 'edge-cut', '--balance', 'vertices', '--assignment', assignmentPath, '--metadata', metadata);
    expect(outcome.code).toBe(0);
    const loaded = loadPartitionMetadata(new Uint8Array(readFileSync(metadata)), graph, metadata);
    const file = JSON.parse(readFileSync(assignmentPath, 'utf8')) as AssignmentFile;
    expect(loaded.k).toBe(5);
    expect(loaded.algorithm).toBe('pagerank');
    expect([...loaded.assignment.vertexOwner]).toEqual(file.vertexOwner);
    // balanced by vertices: 60 vertices in 5 parts of 12 at most 3% over (⌈12.36⌉ floor = 12)
    expect(Math.max(...[0, 1, 2, 3, 4].map((p) => file.vertexOwner.filter((o) => o === p).length))).toBeLessThanOrEqual(12);
  });

  it('k larger than n leaves parts empty and still covers every vertex and arc', async () => {
    const small = temp('small.el');
    writeFileSync(small, '0 1\n2 1\n1 0\n');
    const out = temp('small.json');
    const assignmentPath = temp('small-assignment.json');
    const outcome = await cli('partition', small, '-k', '8', '--strategy', 'edge-cut', '--out', out, '--assignment', assignmentPath);
    expect(outcome.code).toBe(0);
    const figures = JSON.parse(readFileSync(out, 'utf8'));
    const file = JSON.parse(readFileSync(assignmentPath, 'utf8')) as AssignmentFile;
    expect(file.vertexOwner).toHaveLength(3);
    expect(file.arcOwner).toEqual([file.vertexOwner[1], file.vertexOwner[1], file.vertexOwner[0]]);
    expect(figures.emptyParts).toBeGreaterThanOrEqual(5);
  });

  it('sparse ids: the assignment carries the input id of each vertex', async () => {
    const sparse = temp('sparse.el');
    writeFileSync(sparse, '1000 5\n77 1000\n5 77\n');
    const assignmentPath = temp('sparse-assignment.json');
    expect((await cli('partition', sparse, '-k', '2', '--strategy', 'vertex-cut', '--assignment', assignmentPath)).code).toBe(0);
    const file = JSON.parse(readFileSync(assignmentPath, 'utf8')) as AssignmentFile & { ids: number[] };
    expect(file.ids).toEqual([5, 77, 1000]);
    expect(file.arcOwner).toHaveLength(3);
  });

  it('bad options: exit 2 and one line naming the option', async () => {
    expectOneLineError(await cli('partition', graphFile, '-k', '0'), /-k must be an integer/);
    expectOneLineError(await cli('partition', graphFile, '-k', 'four'), /-k must be an integer/);
    expectOneLineError(await cli('partition', graphFile, '-k', '2', '--strategy', 'metis'), /--strategy must be one of auto, edge-cut, vertex-cut, hybrid/);
    expectOneLineError(await cli('partition', graphFile, '-k', '2', '--algo', 'dfs'), /--algo must be one of/);
    expectOneLineError(await cli('partition', graphFile, '-k', '2', '--balance', 'memory'), /--balance must be one of load, vertices, arcs/);
    expectOneLineError(await cli('partition', graphFile, '-k', '2', '--imbalance', '-0.1'), /--imbalance/);
    expectOneLineError(await cli('partition', graphFile, '-k', '2', '--seed', '1.5'), /--seed/);
    expectOneLineError(await cli('partition', graphFile), /required option/);
    expectOneLineError(await cli('partition', temp('missing.el'), '-k', '2'), /missing\.el/);
  });

  it('a real process: exit code 2 and one line without a stack trace', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'partition', graphFile, '-k', '-3'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(child.status).toBe(2);
    expect(child.stdout).toBe('');
    expect(child.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(child.stderr).toMatch(/^neuromesh: -k must be/);
    expect(child.stderr).not.toMatch(/\n\s+at /);
  });
});
