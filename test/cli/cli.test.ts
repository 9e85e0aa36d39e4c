/**
 * The command-line contract (DESIGN.md "Command line"). Most cases call `main` in-process with
 * captured output (fast); the exit-code and stderr contract is also checked on real processes
 * spawned with `node --import tsx src/cli/main.ts`. Values are checked against `runAlgorithm` on
 * the same graph in-process, and `info` against the `# ...` header lines the data files carry.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runAlgorithm } from '../../src/execute/single.js';
import type { AlgorithmName } from '../../src/execute/types.js';
import { generateBrunel } from '../../src/generate/brunel.js';
import { createHostSync } from '../../src/index.js';
import { loadGraph } from '../../src/input/load.js';
import { NEURON_FIELDS, NEURON_STRIDE } from '../../src/memory/layout.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const karate = join(root, 'examples', 'karate.el');
const data = (file: string) => join(root, 'test', 'fixtures', 'data', file);
const dir = mkdtempSync(join(tmpdir(), 'neuromesh-cli-'));
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

function spawnCli(...args: string[]): Outcome {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: child.status ?? -1, stdout: child.stdout, stderr: child.stderr };
}

/** `# key: value` header lines of a data file. */
function header(path: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.startsWith('#')) break;
    const match = /^#\s*([\w]+):\s*(.*)$/.exec(line);
    if (match) fields[match[1]!] = match[2]!;
  }
  return fields;
}

function expectOneLineError(outcome: Outcome, pattern: RegExp): void {
  expect(outcome.code).toBe(2);
  const lines = outcome.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^neuromesh: /);
  expect(lines[0]).toMatch(pattern);
  expect(outcome.stderr).not.toMatch(/\n\s+at /);
}

describe('neuromesh run --out', () => {
  const host = createHostSync();
  const cases: [AlgorithmName, string[], Record<string, number>][] = [
    ['pagerank', [], {}],
    ['pagerank', ['--iterations', '5', '--tolerance', '0'], { iterations: 5, tolerance: 0 }],
    ['bfs', ['--source', '5'], { source: 5 }],
    ['sssp', ['--source', '16'], { source: 16 }],
    ['wcc', [], {}],
  ];
  for (const [algorithm, flags, options] of cases) {
    it(`${algorithm} ${flags.join(' ')}: JSON { algorithm, n, values } equal to runAlgorithm in-process`, async () => {
      const out = temp(`${algorithm}-${flags.length}.json`);
      const outcome = await cli('run', karate, '--algo', algorithm, ...flags, '--out', out);
      expect(outcome.code).toBe(0);
      expect(outcome.stdout).toBe('');
      const json = JSON.parse(readFileSync(out, 'utf8'));
      expect(Object.keys(json)).toEqual(['algorithm', 'n', 'values']);
      expect(json.algorithm).toBe(algorithm);
      expect(json.n).toBe(34);
      const expected = runAlgorithm(loadGraph(host, karate), algorithm, options);
      // JSON of a float64 must round-trip to the same double: compare exactly, not approximately.
      expect(json.values).toEqual(Array.from(expected.values));
    });
  }

  it('maps remapped sparse ids back: ids array, wcc labels and bfs source are input ids', async () => {
    const path = temp('sparse.el');
    // no "# n:" header and sparse ids: the loader remaps them to ranks 10->0, 20->1, 30->2, 1000->3
    writeFileSync(path, '10 20\n1000 1000\n30 10\n');
    const wcc = temp('sparse-wcc.json');
    expect((await cli('run', path, '--algo', 'wcc', '--out', wcc)).code).toBe(0);
    expect(JSON.parse(readFileSync(wcc, 'utf8'))).toEqual({ algorithm: 'wcc', n: 4, values: [10, 10, 10, 1000], ids: [10, 20, 30, 1000] });
    const bfs = temp('sparse-bfs.json');
    expect((await cli('run', path, '--algo', 'bfs', '--source', '30', '--out', bfs)).code).toBe(0);
    expect(JSON.parse(readFileSync(bfs, 'utf8')).values).toEqual([1, 2, 0, -1]);
    // 0 is not an input id of this graph
    expectOneLineError(await cli('run', path, '--algo', 'bfs', '--source', '0'), /--source/);
  });

  it('prints a human summary to stdout without --out', async () => {
    const outcome = await cli('run', karate, '--algo', 'wcc');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^wcc: n 34, m 156/);
    expect(outcome.stdout).toMatch(/1 components; largest has 34 vertices/);
    // PageRank's summary lists the top vertices, largest first: in Zachary's club the two leaders,
    // the instructor (33) and the administrator (0), rank first and second.
    const pagerank = (await cli('run', karate, '--algo', 'pagerank')).stdout.split('\n');
    expect(pagerank[1]).toBe('top vertices (vertex score):');
    expect(pagerank.slice(2, 4).map((line) => line.trim().split(' ')[0])).toEqual(['33', '0']);
    const scores = pagerank.slice(2, 12).map((line) => Number(line.trim().split(' ')[1]));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('works the same in a real process', () => {
    const out = temp('spawned.json');
    const outcome = spawnCli('run', 'examples/karate.el', '--algo', 'pagerank', '--out', out);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toBe('');
    const values = JSON.parse(readFileSync(out, 'utf8')).values as number[];
    expect(values.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(values).toEqual(Array.from(runAlgorithm(loadGraph(createHostSync(), karate), 'pagerank').values));
  });
});

describe('neuromesh run --algo lif --spikes / --stats', () => {
  const host = createHostSync();
  const network = temp('brunel.el');
  const table = temp('brunel.neurons.tsv');

  it('generates a network, writes its spikes sorted by step then neuron, and the counts agree with --out', async () => {
    expect((await cli('generate', 'brunel', '--ne', '400', '--seed', '4', '--out', network)).code).toBe(0);
    const spikes = temp('spikes.txt');
    const out = temp('lif.json');
    const stats = temp('lif-stats.json');
    const outcome = await cli('run', network, '--algo', 'lif', '--neurons', table, '--steps', '300', '--seed', '9', '--spikes', spikes, '--out', out, '--stats', stats);
    expect(outcome.code).toBe(0);
    const lines = readFileSync(spikes, 'utf8').trimEnd().split('\n');
    const pairs = lines.map((line) => {
      expect(line).toMatch(/^\d+ \d+$/);
      return line.split(' ').map(Number) as [number, number];
    });
    for (let k = 1; k < pairs.length; k++) {
      const [s0, n0] = pairs[k - 1]!;
      const [s1, n1] = pairs[k]!;
      expect(s1 > s0 || (s1 === s0 && n1 > n0)).toBe(true);
    }
    const counts = JSON.parse(readFileSync(out, 'utf8')).values as number[];
    expect(pairs.length).toBeGreaterThan(0);
    expect(pairs.length).toBe(counts.reduce((s, c) => s + c, 0));
    // an independent run in-process gives the same spikes
    const graph = loadGraph(host, network, { neurons: table });
    const result = runAlgorithm(graph, 'lif', { steps: 300, seed: 9n, recordSpikes: true });
    expect(pairs.map(([step]) => step)).toEqual(Array.from(result.spikes!.steps));
    expect(pairs.map(([, neuron]) => neuron)).toEqual(Array.from(result.spikes!.neurons));

    const statistics = JSON.parse(readFileSync(stats, 'utf8'));
    for (const key of ['workers', 'strategy', 'supersteps', 'wallMs', 'loadMs', 'partitionMs', 'bytes', 'messages', 'checkpoints', 'failuresRecovered', 'perSuperstep', 'perWorker']) {
      expect(statistics, key).toHaveProperty(key);
    }
    expect(statistics.workers).toBe(1);
    expect(statistics.supersteps).toBe(300);
    expect(statistics.perSuperstep).toHaveLength(300);
    expect(statistics.perWorker).toHaveLength(1);
    expect(statistics.loadMs).toBeGreaterThan(0);
  });

  it('the generated neuron table carries the generator\'s parameters', () => {
    const arcs = generateBrunel({ ne: 400, seed: 4n });
    const graph = loadGraph(host, network, { neurons: table });
    expect(graph.n).toBe(arcs.n);
    expect(graph.m).toBe(arcs.src.length);
    const records = graph.neuronRecords!;
    NEURON_FIELDS.forEach((field, slot) => {
      const column = arcs.neurons![field];
      if (!column) return;
      for (const i of [0, 1, arcs.n - 1]) expect(records[i * NEURON_STRIDE + slot], `${field}[${i}]`).toBe(column[i]);
    });
  });
});

describe('neuromesh info', () => {
  for (const file of ['karate.el', 'celegans_herm_chem.el', 'email_eu_core.el', 'polblogs.el', 'cora.el']) {
    it(`${file}: n, m, self-loops, isolated vertices, degrees and weight range match the file header`, async () => {
      const path = data(file);
      const fields = header(path);
      const outcome = await cli('info', path, '--json');
      expect(outcome.code).toBe(0);
      const info = JSON.parse(outcome.stdout);
      expect(info.n).toBe(parseInt(fields.n!, 10));
      expect(info.m).toBe(parseInt(fields.m!, 10));
      expect(info.selfLoops).toBe(parseInt(fields.self_loops!, 10));
      expect(info.isolatedVertices).toBe(parseInt(fields.isolated_vertices!, 10));
      // "min 1 max 17 mean 4.5882"
      const out = /min (\d+) max (\d+)/.exec(fields.out_degree!)!;
      expect([info.outDegree.min, info.outDegree.max]).toEqual([Number(out[1]), Number(out[2])]);
      const inDegree = /min (\d+) max (\d+)/.exec(fields.in_degree!)!;
      expect([info.inDegree.min, info.inDegree.max]).toEqual([Number(inDegree[1]), Number(inDegree[2])]);
      const [low, high] = fields.weight_range!.split(/\s+/).map(Number);
      expect([info.weights.min, info.weights.max]).toEqual([low, high]);
      // the files have no duplicate arcs (data/README.md)
      expect(info.parallelArcs).toBe(0);
      expect(info.memory.bytesPerArc).toBeGreaterThan(0);
    });
  }

  it('counts the parallel arcs and self-loops of a small hand-made file', async () => {
    const path = temp('multi.el');
    writeFileSync(path, '# n: 5\n0 1\n0 1\n0 1\n1 1\n2 0\n1 1\n');
    const info = JSON.parse((await cli('info', path, '--json')).stdout);
    expect(info).toMatchObject({ n: 5, m: 6, selfLoops: 2, parallelArcs: 3, isolatedVertices: 2 });
    expect(info.outDegree).toEqual({ min: 0, max: 3, mean: 1.2, median: 1 });
    const delayed = temp('delayed.el');
    writeFileSync(delayed, '# n: 3\n0 1 2.5 3\n1 2 -1 7\n2 0 4 5\n');
    const delayedInfo = JSON.parse((await cli('info', delayed, '--json')).stdout);
    expect(delayedInfo.weights).toEqual({ kind: 'f64', min: -1, max: 4 });
    expect(delayedInfo.delays).toEqual({ kind: 'u8', min: 3, max: 7 });
    const text = (await cli('info', path)).stdout;
    expect(text).toMatch(/^vertices \(n\): 5$/m);
    expect(text).toMatch(/^parallel arcs: 3$/m);
  });
});

describe('neuromesh help and version', () => {
  it('--help and --version print to stdout and exit 0', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/run \[options\] <graph>/);
    const runHelp = await cli('run', '--help');
    expect(runHelp.stdout).toMatch(/--algo <name>/);
    const version = await cli('--version');
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });
});

describe('neuromesh errors', () => {
  it('bad options give exit code 2 and one stderr line naming the option', async () => {
    expectOneLineError(await cli('run', karate, '--algo', 'bfs', '--workers', '0'), /--workers must be an integer in \[1, 256\]/);
    expectOneLineError(await cli('run', karate, '--algo', 'pagerank', '--tolerance', '-1'), /--tolerance/);
    expectOneLineError(await cli('run', karate, '--algo', 'pagerank', '--tolerance', 'abc'), /--tolerance/);
    expectOneLineError(await cli('run', karate, '--algo', 'bfs', '--source', '999999'), /--source must be a vertex id/);
    expectOneLineError(await cli('run', karate, '--algo', 'bfs', '--source', '-1'), /--source/);
    expectOneLineError(await cli('run', karate, '--algo', 'bfs', '--frobnicate'), /unknown option '--frobnicate'/);
    expectOneLineError(await cli('run', karate), /--algo/);
    expectOneLineError(await cli('run', karate, '--algo'), /--algo/);
    expectOneLineError(await cli('run', karate, '--algo', 'dijkstra'), /--algo must be one of/);
    expectOneLineError(await cli('run', karate, '--algo', 'bfs', '--steps', '10'), /--steps applies to --algo lif/);
    expectOneLineError(await cli('frobnicate'), /unknown command/);
    expectOneLineError(await cli('generate', 'rmat', '--out', temp('x.el')), /--scale/);
    expectOneLineError(await cli('generate', 'rmat', '--scale', '4', '--p', '0.1', '--out', temp('x.el')), /--p does not apply/);
    expectOneLineError(await cli('generate', 'er', '--n', '10', '--out', temp('x.txt'), '--p', '0.5'), /--out must end in/);
    expectOneLineError(await cli('generate', 'er', '--n', '10', '--p', '2', '--out', temp('x.el')), /--p/);
  });

  it('--chaos, --checkpoint-interval: failed workers are recovered from, the values are the single run\'s; bad values are refused', async () => {
    const host = createHostSync();
    const graph = loadGraph(host, data('road_rome99.el'));
    const out = temp('chaos.json');
    const stats = temp('chaos.stats.json');
    const outcome = await cli('run', data('road_rome99.el'), '--algo', 'pagerank', '--workers', '3', '--strategy', 'edge-cut', '--checkpoint-interval', '2', '--chaos', '7:2', '--out', out, '--stats', stats);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).values).toEqual(Array.from(runAlgorithm(graph, 'pagerank', {}).values));
    const report = JSON.parse(readFileSync(stats, 'utf8'));
    expect(report.failuresRecovered).toBe(2);
    expect(report.checkpoints).toBeGreaterThan(0);
    expect(report.recovery.failures.map((failure: { code: string }) => failure.code)).toEqual(['E_WORKER_LOST', 'E_WORKER_LOST']);
    for (const [flag, value] of [['--checkpoint-interval', '0'], ['--checkpoint-interval', 'often'], ['--chaos', '7:0.1'], ['--chaos', 'x']]) {
      expectOneLineError(await cli('run', karate, '--algo', 'pagerank', flag!, value!), new RegExp(flag!));
    }
    expectOneLineError(await cli('run', karate, '--algo', 'pagerank', '--checkpoint-dir', temp('a'), '--resume', temp('b')), /--resume/);
    expectOneLineError(await cli('run', karate, '--algo', 'pagerank', '--resume', temp('no-such-directory')), /--resume must name an existing checkpoint directory/);
  });

  it('--resume DIR after kill -9 of the whole process gives the output of an uninterrupted run', async () => {
    const checkpoints = temp('killed');
    const args = ['run', data('celegans_herm_chem.el'), '--algo', 'lif', '--steps', '3000', '--seed', '5', '--workers', '2', '--strategy', 'edge-cut'];
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args, '--checkpoint-dir', checkpoints, '--checkpoint-interval', '200', '--out', temp('killed.json')], { cwd: root, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // kill it as soon as its first checkpoint is on disk (or when it ends by itself: then resume
    // starts from its last checkpoint, which must give the same output too)
    for (let waited = 0; waited < 60_000; waited += 20) {
      if (existsSync(checkpoints) && readdirSync(checkpoints).some((name) => name.endsWith('.nmc'))) break;
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const resumedStats = temp('resumed.stats.json');
    const resumed = spawnCli(...args, '--resume', checkpoints, '--out', temp('resumed.json'), '--stats', resumedStats);
    expect(resumed.code, resumed.stderr).toBe(0);
    const whole = spawnCli(...args, '--out', temp('whole.json'));
    expect(whole.code, whole.stderr).toBe(0);
    expect(readFileSync(temp('resumed.json'), 'utf8')).toBe(readFileSync(temp('whole.json'), 'utf8'));
    const report = JSON.parse(readFileSync(resumedStats, 'utf8'));
    expect(report.recovery.resumedFrom).toBeGreaterThan(0);
    expect(resumed.stderr).toMatch(new RegExp(`resumed from the checkpoint of superstep ${report.recovery.resumedFrom}`));
  }, 120_000);

  it('bad --strategy and --workers values, and partition without -k, are refused with exit code 2', async () => {
    expectOneLineError(await cli('run', karate, '--algo', 'pagerank', '--strategy', 'random'), /--strategy must be one of/);
    expectOneLineError(await cli('run', karate, '--algo', 'pagerank', '--workers', '257'), /--workers/);
    // partition is available now (test/cli/partition.test.ts); without its required -k it is a usage error
    expectOneLineError(await cli('partition', karate), /required option/);
  });

  it('--threads T runs P workers on T threads with the same values and traffic; bad counts are refused', async () => {
    const host = createHostSync();
    const graph = loadGraph(host, data('road_rome99.el'));
    const reports = [];
    for (const threads of ['4', '2', '1']) {
      const out = temp(`threads-${threads}.json`);
      const stats = temp(`threads-${threads}.stats.json`);
      const outcome = await cli('run', data('road_rome99.el'), '--algo', 'wcc', '--workers', '4', '--threads', threads, '--strategy', 'edge-cut', '--out', out, '--stats', stats);
      expect(outcome.code, outcome.stderr).toBe(0);
      expect(JSON.parse(readFileSync(out, 'utf8')).values).toEqual(Array.from(runAlgorithm(graph, 'wcc', {}).values));
      const report = JSON.parse(readFileSync(stats, 'utf8'));
      expect(report.workers).toBe(4);
      expect(report.threads).toBe(Number(threads));
      reports.push(report);
    }
    expect(reports[1].traffic).toEqual(reports[0].traffic);
    expect(reports[2].traffic).toEqual(reports[0].traffic);
    expectOneLineError(await cli('run', karate, '--algo', 'bfs', '--workers', '2', '--threads', '0'), /--threads must be an integer in \[1, 256\]/);
  });

  it('--workers P --strategy S: the single-worker values, and --stats with per-superstep, per-worker traffic', async () => {
    const host = createHostSync();
    const graph = loadGraph(host, data('road_rome99.el'));
    for (const [algorithm, strategy] of [['sssp', 'hybrid'], ['pagerank', 'edge-cut'], ['wcc', 'vertex-cut']] as const) {
      const out = temp(`dist-${algorithm}.json`);
      const stats = temp(`dist-${algorithm}.stats.json`);
      const outcome = await cli('run', data('road_rome99.el'), '--algo', algorithm, '--workers', '3', '--strategy', strategy, '--out', out, '--stats', stats);
      expect(outcome.code, outcome.stderr).toBe(0);
      const expected = runAlgorithm(graph, algorithm, algorithm === 'sssp' ? { source: 0 } : {});
      expect(JSON.parse(readFileSync(out, 'utf8')).values).toEqual(Array.from(expected.values));
      const report = JSON.parse(readFileSync(stats, 'utf8'));
      expect(report.workers).toBe(3);
      expect(report.strategy).toBe(strategy);
      expect(report.partitionMs).toBeGreaterThan(0);
      // every superstep has one record per worker; the totals are their sums
      expect(report.perSuperstep.every((step: { perWorker: unknown[] }) => step.perWorker.length === 3)).toBe(true);
      const bytes = report.perSuperstep.reduce((sum: number, step: { bytes: number }) => sum + step.bytes, 0);
      expect(report.bytes).toBe(bytes);
      expect(report.bytes).toBeGreaterThan(0);
      expect(report.traffic.bytes.flat().reduce((a: number, b: number) => a + b, 0)).toBe(report.bytes);
      // per superstep and destination: each worker's bytesTo sums to its bytes, never to itself,
      // and summed over supersteps gives the traffic matrix
      const matrix = [0, 1, 2].map(() => [0, 0, 0]);
      for (const step of report.perSuperstep) {
        for (const w of step.perWorker) {
          expect(w.bytesTo.reduce((a: number, b: number) => a + b, 0)).toBe(w.bytes);
          if (w.bytes > 0) expect(w.bytesTo[w.worker]).toBe(0);
          w.bytesTo.forEach((bytes: number, q: number) => (matrix[w.worker]![q]! += bytes));
        }
      }
      expect(matrix).toEqual(report.traffic.bytes);
    }
    // without --out, the summary names the workers, the strategy and the traffic
    const summary = await cli('run', data('road_rome99.el'), '--algo', 'bfs', '--workers', '2', '--strategy', 'edge-cut');
    expect(summary.code, summary.stderr).toBe(0);
    expect(summary.stdout).toMatch(/on 2 workers \(edge-cut; [1-9]\d* bytes in [1-9]\d* messages\)/);
  }, 120_000);

  it('bad input files give exit code 2 and one line naming the file, line and field', async () => {
    const bad = temp('bad.el');
    writeFileSync(bad, '0 1\n1 2\n2 x\n');
    expectOneLineError(await cli('run', bad, '--algo', 'bfs'), /bad\.el:line 3, field dst/);
    expectOneLineError(await cli('info', temp('missing.el')), /missing\.el/);
    expectOneLineError(await cli('info', temp('graph.xyz')), /graph\.xyz.*extension/);
    const corrupt = temp('corrupt.nmg');
    writeFileSync(corrupt, Buffer.from('not a snapshot at all, just text'));
    expectOneLineError(await cli('info', corrupt), /corrupt\.nmg/);
  });

  it('in a real process: exit code 2, one line, no stack; --debug adds the stack', () => {
    const plain = spawnCli('run', 'examples/karate.el', '--algo', 'bfs', '--workers', '0');
    expectOneLineError(plain, /--workers/);
    expect(plain.stdout).toBe('');
    const bad = temp('bad-spawn.el');
    writeFileSync(bad, '0 1\n1 -2\n');
    const debug = spawnCli('run', bad, '--algo', 'bfs', '--debug');
    expect(debug.code).toBe(2);
    expect(debug.stderr.split('\n')[0]).toMatch(/^neuromesh: .*line 2/);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

describe('neuromesh generate', () => {
  it('rmat and er: the same seed gives the same bytes, another seed other bytes', async () => {
    for (const [kind, flags, file] of [
      ['rmat', ['--scale', '8', '--weights', 'int'], 'r.el'],
      ['rmat', ['--scale', '8', '--edge-factor', '4'], 'r.el.gz'],
      ['er', ['--n', '300', '--p', '0.02'], 'e.el'],
      ['er', ['--n', '300', '--m', '2000'], 'e.nmg'],
    ] as const) {
      const outputs = [] as Buffer[];
      for (const [index, seed] of ['5', '5', '6'].entries()) {
        const path = temp(`${index}-${file}`);
        // --debug changes nothing but error output
        const outcome = await cli('generate', kind, ...flags, '--seed', seed, '--out', path, ...(index === 1 ? ['--debug'] : []));
        expect(outcome.code, outcome.stderr).toBe(0);
        outputs.push(readFileSync(path));
      }
      expect(outputs[0]!.equals(outputs[1]!), `${kind} ${file}`).toBe(true);
      expect(outputs[0]!.equals(outputs[2]!), `${kind} ${file}`).toBe(false);
    }
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('generated files load back with the declared n and m', async () => {
    const host = createHostSync();
    const cases = [
      ['rmat', ['--scale', '9', '--edge-factor', '8'], 'back.el', 512, 4096],
      ['rmat', ['--scale', '9', '--edge-factor', '8', '--weights', 'real'], 'back.el.gz', 512, 4096],
      ['rmat', ['--scale', '9', '--edge-factor', '8'], 'back.nmg', 512, 4096],
      ['er', ['--n', '1000', '--m', '5000'], 'er.el', 1000, 5000],
    ] as const;
    for (const [kind, flags, file, n, m] of cases) {
      const path = temp(file);
      const outcome = await cli('generate', kind, ...flags, '--out', path);
      expect(outcome.code, outcome.stderr).toBe(0);
      expect(outcome.stdout).toMatch(new RegExp(`n ${n}, m ${m}`));
      const graph = loadGraph(host, path);
      expect([graph.n, graph.m], file).toEqual([n, m]);
      if (file.endsWith('.el')) expect(header(path)).toMatchObject({ n: String(n), m: String(m) });
    }
    // the snapshot and the edge list of the same seed hold the same graph
    const fromText = loadGraph(host, temp('back.el'));
    const fromSnapshot = loadGraph(host, temp('back.nmg'));
    expect(Array.from(fromSnapshot.outTargets)).toEqual(Array.from(fromText.outTargets));
    expect(Array.from(fromSnapshot.outOffsets)).toEqual(Array.from(fromText.outOffsets));
  });

  it('cuba: the edge list with its neuron table and the snapshot run to the same spike counts', async () => {
    expect((await cli('generate', 'cuba', '--n', '400', '--p', '0.05', '--seed', '3', '--out', temp('cuba.el'))).code).toBe(0);
    expect((await cli('generate', 'cuba', '--n', '400', '--p', '0.05', '--seed', '3', '--out', temp('cuba.nmg'))).code).toBe(0);
    const fromText = await cli('run', temp('cuba.el'), '--neurons', temp('cuba.neurons.tsv'), '--algo', 'lif', '--steps', '400', '--out', temp('cuba-text.json'));
    const fromSnapshot = await cli('run', temp('cuba.nmg'), '--algo', 'lif', '--steps', '400', '--out', temp('cuba-nmg.json'));
    expect([fromText.code, fromSnapshot.code]).toEqual([0, 0]);
    const counts = JSON.parse(readFileSync(temp('cuba-text.json'), 'utf8')).values as number[];
    expect(counts.length).toBe(400);
    expect(JSON.parse(readFileSync(temp('cuba-nmg.json'), 'utf8')).values).toEqual(counts);
  });

  it('brunel writes a neuron table next to the edge list; a snapshot carries the neurons itself', async () => {
    const el = temp('net.el.gz');
    const outcome = await cli('generate', 'brunel', '--ne', '200', '--out', el);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(readdirSync(dir)).toContain('net.neurons.tsv');
    const nmg = temp('net.nmg');
    expect((await cli('generate', 'brunel', '--ne', '200', '--out', nmg)).code).toBe(0);
    const host = createHostSync();
    const snapshot = loadGraph(host, nmg);
    const text = loadGraph(host, el, { neurons: temp('net.neurons.tsv') });
    expect(Array.from(snapshot.neuronRecords!)).toEqual(Array.from(text.neuronRecords!));
    expect(snapshot.m).toBe(text.m);
  });
});
