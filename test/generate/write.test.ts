import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createHostSync, InputError } from '../../src/index.js';
import { writeEdgeList, writeNeuronTable } from '../../src/generate/write.js';
import { loadGraph } from '../../src/input/load.js';
import { parseNeuronTable } from '../../src/input/neurons.js';
import { NEURON_DEFAULTS } from '../../src/memory/layout.js';

const host = createHostSync();
const dir = mkdtempSync(join(tmpdir(), 'neuromesh-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Arcs in source order, so the loaded graph's CSR order is the written order.
const arcs = {
  n: 6,
  src: new Uint32Array([0, 0, 1, 3, 3, 5]),
  dst: new Uint32Array([1, 5, 1, 2, 2, 0]),
  weights: new Float64Array([0.1, -2.5, 1e-7, 12345678.875, 1 / 3, 7]),
  delays: new Uint16Array([1, 2, 300, 4, 4, 9]),
  name: 'tiny',
};

describe('writeEdgeList', () => {
  it('writes the header and one "src dst weight delay" line per arc', () => {
    const path = join(dir, 'tiny.el');
    writeEdgeList(path, arcs, { header: { directed: 'yes' } });
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines.slice(0, 4)).toEqual(['# name: tiny', '# n: 6', '# m: 6', '# directed: yes']);
    expect(lines[4]).toBe('0 1 0.1 1');
    expect(lines[6]).toBe('1 1 1e-7 300');
    expect(lines.length).toBe(4 + 6);
  });

  it('round-trips through the loader: same n, m, arcs, and bit-identical weights and delays (plain and .gz)', () => {
    for (const file of ['round.el', 'round.el.gz']) {
      const path = join(dir, file);
      writeEdgeList(path, arcs);
      const graph = loadGraph(host, path);
      expect(graph.n).toBe(6);
      expect(graph.m).toBe(6);
      expect([...graph.outTargets]).toEqual([...arcs.dst]);
      expect([...graph.outWeightsF64!]).toEqual([...arcs.weights]);
      expect(Array.from({ length: 6 }, (_, k) => graph.delayOf(k))).toEqual([...arcs.delays]);
    }
    // the .gz file is real gzip with the same text
    expect(gunzipSync(readFileSync(join(dir, 'round.el.gz'))).toString()).toBe(readFileSync(join(dir, 'round.el'), 'utf8'));
  });

  it('is byte-identical for the same arcs (gzip mtime is fixed) and leaves no temporary files', () => {
    writeEdgeList(join(dir, 'a.el.gz'), arcs);
    writeEdgeList(join(dir, 'b.el.gz'), arcs);
    expect(readFileSync(join(dir, 'a.el.gz')).equals(readFileSync(join(dir, 'b.el.gz')))).toBe(true);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('writes unweighted arcs as "src dst" and maps remapped ids back', () => {
    const path = join(dir, 'ids.el');
    writeEdgeList(path, { n: 3, src: [0, 2], dst: [1, 0], vertexIds: new Float64Array([10, 20, 4000]) });
    expect(readFileSync(path, 'utf8').split('\n').slice(3, 5)).toEqual(['10 20', '4000 10']);
  });

  it('spans many chunks for large inputs without losing or duplicating lines', () => {
    const m = 300_000;
    const src = new Uint32Array(m);
    const dst = new Uint32Array(m);
    for (let i = 0; i < m; i++) {
      src[i] = Math.floor(i / 3);
      dst[i] = (i * 7919) % 100_000;
    }
    const path = join(dir, 'big.el');
    writeEdgeList(path, { n: 100_000, src, dst });
    const graph = loadGraph(host, path);
    expect(graph.m).toBe(m);
    expect(graph.outTargets.every((t, k) => t === dst[k])).toBe(true);
  });

  it('fails with an InputError naming the path when the directory does not exist', () => {
    const path = join(dir, 'missing', 'x.el');
    expect(() => writeEdgeList(path, arcs)).toThrow(InputError);
  });
});

describe('writeNeuronTable', () => {
  it('writes a TSV with the lif-model.md header that the neuron-table parser reads back', () => {
    const path = join(dir, 'neurons.tsv');
    const neurons = { du: [4096, 0, 17], vth: [-5, 20000, 7], noise: [0, 3, 9] };
    writeNeuronTable(path, neurons, 3);
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')[0]).toBe('id\tdu\tdv\tvth\tbias\trefractory\tnoise');
    const back = parseNeuronTable(readFileSync(path), { n: 3, name: path });
    expect(Array.from(back.du!)).toEqual(neurons.du);
    expect(Array.from(back.vth!)).toEqual(neurons.vth);
    expect(Array.from(back.noise!)).toEqual(neurons.noise);
    expect(Array.from(back.dv!)).toEqual([NEURON_DEFAULTS.dv, NEURON_DEFAULTS.dv, NEURON_DEFAULTS.dv]);
  });
});
