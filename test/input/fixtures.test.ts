/**
 * Every real graph in test/fixtures/data loads with the n and m its own header declares, and each
 * Matrix Market twin gives the identical CSR. The expected counts are read from the files' header
 * lines here (plain text search, node:zlib for .gz), not by the loader under test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createHostSync, ErrorCode, loadGraph, type NeuromorphicGraph } from '../../src/index.js';
import { expectInputError } from './helpers.js';

const DATA = fileURLToPath(new URL('../fixtures/data/', import.meta.url));
const host = createHostSync();

function header(file: string): { n: number; m: number } {
  const raw = readFileSync(join(DATA, file));
  const content = (file.endsWith('.gz') ? gunzipSync(raw) : raw).subarray(0, 8192).toString('latin1');
  const n = /^[#%] n: (\d+)$/m.exec(content);
  const m = /^[#%] m: (\d+)$/m.exec(content);
  if (!n || !m) throw new Error(`${file} has no n/m header`);
  return { n: Number(n[1]), m: Number(m[1]) };
}

function sameCsr(a: NeuromorphicGraph, b: NeuromorphicGraph): void {
  expect(b.n).toBe(a.n);
  expect(b.m).toBe(a.m);
  expect(Buffer.from(b.outOffsets.buffer, b.outOffsets.byteOffset, b.outOffsets.byteLength).equals(Buffer.from(a.outOffsets.buffer, a.outOffsets.byteOffset, a.outOffsets.byteLength))).toBe(true);
  expect(Buffer.from(b.outTargets.buffer, b.outTargets.byteOffset, b.outTargets.byteLength).equals(Buffer.from(a.outTargets.buffer, a.outTargets.byteOffset, a.outTargets.byteLength))).toBe(true);
  expect(b.weightType).toBe(a.weightType);
  for (let k = 0; k < a.m; k++) if (a.weightOf(k) !== b.weightOf(k)) expect(b.weightOf(k)).toBe(a.weightOf(k));
}

const graphFiles = readdirSync(DATA).filter((file) => /\.(el|mtx)(\.gz)?$/.test(file));

describe('real graphs in test/fixtures/data', () => {
  it('has the files the README lists', () => {
    expect(graphFiles.length).toBeGreaterThanOrEqual(20);
  });

  for (const file of graphFiles) {
    it(`${file} loads with the header's n and m`, () => {
      const mark = host.arena.mark();
      const expected = header(file);
      const graph = loadGraph(host, join(DATA, file));
      expect({ n: graph.n, m: graph.m }).toEqual(expected);
      // the files are sorted by (src, dst): CSR order is input order
      expect(graph.arcInputOrder).toBeNull();
      expect(graph.vertexIds).toBeNull();
      host.arena.release(mark);
    });
  }

  const twins = graphFiles.filter((file) => file.includes('.mtx') && graphFiles.includes(file.replace('.mtx', '.el')));
  for (const file of twins) {
    it(`${file} gives the same CSR as its edge list`, () => {
      const mark = host.arena.mark();
      sameCsr(loadGraph(host, join(DATA, file.replace('.mtx', '.el'))), loadGraph(host, join(DATA, file)));
      host.arena.release(mark);
    });
  }

  it('karate weights match the hand-read first lines of the file', () => {
    const graph = loadGraph(host, join(DATA, 'karate.el'));
    // "0 1 4", "0 2 5", "0 3 3" are the first arc lines
    expect([...graph.outTargets.subarray(0, 3)]).toEqual([1, 2, 3]);
    expect([0, 1, 2].map((k) => graph.weightOf(k))).toEqual([4, 5, 3]);
  });

  it('the cell-name table is not a neuron table: its extra columns are rejected by name', () => {
    expectInputError(() => loadGraph(host, join(DATA, 'celegans_herm_chem.el'), { neurons: join(DATA, 'celegans_herm_nodes.tsv') }), ErrorCode.INPUT_HEADER, {
      line: 4,
      field: 'name',
    });
  });
});

describe('the example neuron table', () => {
  it('loads with the example connectome: muscles and GABAergic neurons get their parameters, empty cells the defaults', () => {
    const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
    const graph = loadGraph(host, join(examples, 'celegans_herm_chem.el'), { neurons: join(examples, 'celegans_herm_neurons.tsv') });
    const records = graph.neuronRecords!;
    const cells = readFileSync(join(DATA, 'celegans_herm_nodes.tsv'), 'utf8')
      .split('\n')
      .filter((line) => /^\d/.test(line))
      .map((line) => line.split('\t'));
    expect(cells.length).toBe(graph.n);
    for (const [id, , kind, gaba] of cells) {
      const v = Number(id);
      // record slots: du 0, dv 1, vth 2, bias 3, refractory 4, noise 5
      const record = [...records.subarray(v * 6, v * 6 + 6)];
      if (kind!.endsWith('muscle')) expect(record).toEqual([512, 128, 600, 0, 5, 100]);
      else if (gaba === '1') expect(record).toEqual([1024, 256, 300, 0, 2, 100]);
      else expect(record).toEqual([1024, 256, 300, 0, 0, 100]);
    }
  });
});
