import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DirectedGraph, MultiGraph } from 'graphology';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createHostSync,
  saveGraphSnapshot,
  DELAY_CONSTANT,
  DELAY_U16,
  fromGraphology,
  loadGraph,
  NEURON_STRIDE,
  parseEdgeList,
  parseGraphBytes,
  parseMatrixMarket,
  parseMetis,
  WEIGHT_F64,
  WEIGHT_I32,
  WEIGHT_UNIT,
} from '../../src/index.js';
import { arcsOf, cut, delaysOf, text, weightsOf } from './helpers.js';

const host = createHostSync();
const scratch = mkdtempSync(join(tmpdir(), 'neuromesh-formats-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const EDGE_LIST = '# n: 5\n# m: 4\n2 0 1.5\n0 1 -2\n0 3 1e3\n\n% a comment\n3 3 4\n';

describe('edge list', () => {
  it('builds the hand-checked CSR and CSC, with headers, comments, blank lines and real weights', () => {
    const g = parseEdgeList(host, text(EDGE_LIST), { name: 'small.el', keepInputOrder: true });
    expect([g.n, g.m]).toEqual([5, 4]);
    expect([...g.outOffsets]).toEqual([0, 2, 2, 3, 4, 4]);
    expect([...g.outTargets]).toEqual([1, 3, 0, 3]);
    expect(g.weightType).toBe(WEIGHT_F64);
    expect(weightsOf(g)).toEqual([-2, 1000, 1.5, 4]);
    expect([...g.arcInputOrder!]).toEqual([1, 2, 0, 3]);
    expect([...g.inOffsets]).toEqual([0, 1, 2, 2, 4, 4]);
    expect([...g.inSources]).toEqual([2, 0, 0, 3]);
    expect(g.vertexIds).toBeNull();
    expect(g.name).toBe('small.el');
  });

  it('gives the same graph however the bytes are split into chunks', () => {
    const bytes = text(EDGE_LIST);
    const reference = parseEdgeList(host, bytes);
    const expected = { arcs: arcsOf(reference), weights: weightsOf(reference), n: reference.n };
    for (let a = 0; a <= bytes.length; a++) {
      for (const b of [a, Math.min(bytes.length, a + 1), Math.min(bytes.length, a + 7)]) {
        const mark = host.arena.mark();
        const g = parseEdgeList(host, cut(bytes, [a, b]));
        expect({ arcs: arcsOf(g), weights: weightsOf(g), n: g.n }).toEqual(expected);
        host.arena.release(mark);
      }
    }
  });

  it('accepts tabs, CRLF, leading blanks, a byte order mark and a last line without a newline', () => {
    const g = parseEdgeList(host, text('\uFEFF0\t1\r\n  1   2 \r\n\t\r\n2 0'));
    expect(g.n).toBe(3);
    expect(arcsOf(g)).toEqual([
      [0, 1],
      [1, 2],
      [2, 0],
    ]);
    expect(g.weightType).toBe(WEIGHT_UNIT);
  });

  it('reads integer weights and delays (u16 storage when a delay exceeds 255)', () => {
    const g = parseEdgeList(host, text('0 1 5 3\n1 0 -1 300\n'));
    expect(g.weightType).toBe(WEIGHT_I32);
    expect(weightsOf(g)).toEqual([5, -1]);
    expect(g.delayType).toBe(DELAY_U16);
    expect(delaysOf(g)).toEqual([3, 300]);
    const constant = parseEdgeList(host, text('0 1 5 2\n1 0 5 2\n'));
    expect(constant.delayType).toBe(DELAY_CONSTANT);
    expect(constant.constantDelay).toBe(2);
  });

  it('reads exact decimal weights (fast path and the rare long form)', () => {
    const g = parseEdgeList(host, text('0 1 0.1\n0 1 -2.5e-3\n0 1 +7\n0 1 .5\n0 1 123456789012345678901234\n0 1 1e-400\n0 1 1E2\n'));
    expect(weightsOf(g)).toEqual([0.1, -2.5e-3, 7, 0.5, 123456789012345678901234, 0, 100]);
  });

  it('remaps sparse SNAP-style ids to their rank and keeps dense ids', () => {
    const sparse = parseEdgeList(host, text('10 1000\n1000 20\n'));
    expect(sparse.n).toBe(3);
    expect([...sparse.vertexIds!]).toEqual([10, 20, 1000]);
    expect(arcsOf(sparse)).toEqual([
      [0, 2],
      [2, 1],
    ]);
    expect(sparse.fromInputId(1000)).toBe(2);
    expect(sparse.toInputId(1)).toBe(20);
    // 4 distinct ids, max id 6: 7 <= 8, dense enough to keep (vertices 1, 3, 5 isolated)
    const dense = parseEdgeList(host, text('0 2\n4 6\n'));
    expect(dense.n).toBe(7);
    expect(dense.vertexIds).toBeNull();
    expect(parseEdgeList(host, text('10 1000\n1000 20\n'), { remap: 'never' }).n).toBe(1001);
    const always = parseEdgeList(host, text('1 2\n2 3\n'), { remap: 'always' });
    expect([...always.vertexIds!]).toEqual([1, 2, 3]);
    expect(arcsOf(always)).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it('remaps ids of 2^32 and more (promoted storage) and ids >= 2^31 - 1', () => {
    const g = parseEdgeList(host, text('5000000000 7\n7 99999999999\n3 7\n'));
    expect([...g.vertexIds!]).toEqual([3, 7, 5000000000, 99999999999]);
    expect(arcsOf(g)).toEqual([
      [0, 1],
      [1, 3],
      [2, 1],
    ]);
    const large = parseEdgeList(host, text('0 2147483647\n'));
    expect([...large.vertexIds!]).toEqual([0, 2147483647]);
  });

  it('takes "# n: N" with no arcs as N isolated vertices', () => {
    const g = parseEdgeList(host, text('# n: 3\n# just a comment\n'));
    expect([g.n, g.m]).toEqual([3, 0]);
  });

  it('reads gzip (detected by its magic number, whole or in chunks)', () => {
    const packed = gzipSync(Buffer.from(EDGE_LIST));
    const whole = parseEdgeList(host, new Uint8Array(packed));
    const chunked = parseEdgeList(host, cut(new Uint8Array(packed), [1, 5, 20]), { gzip: true });
    const plain = parseEdgeList(host, text(EDGE_LIST));
    expect(arcsOf(whole)).toEqual(arcsOf(plain));
    expect(arcsOf(chunked)).toEqual(arcsOf(plain));
    expect(weightsOf(chunked)).toEqual(weightsOf(plain));
  });
});

describe('Matrix Market', () => {
  it('expands symmetric entries into both arcs, diagonal once, with real values', () => {
    const source = '%%MatrixMarket matrix coordinate real symmetric\n% comment\n3 3 3\n1 1 2.5\n2 1 -1\n3 2 4\n';
    const g = parseMatrixMarket(host, text(source), { keepInputOrder: true });
    expect([g.n, g.m]).toEqual([3, 5]);
    expect([...g.outOffsets]).toEqual([0, 2, 4, 5]);
    expect([...g.outTargets]).toEqual([0, 1, 0, 2, 1]);
    expect(weightsOf(g)).toEqual([2.5, -1, -1, 4, 4]);
    expect([...g.arcInputOrder!]).toEqual([0, 2, 1, 4, 3]);
  });

  it('reads pattern and integer files, case-insensitive banner, n = max(rows, cols)', () => {
    const pattern = parseMatrixMarket(host, text('%%MatrixMarket matrix coordinate pattern general\n2 3 2\n1 3\n2 1\n'));
    expect(pattern.n).toBe(3);
    expect(arcsOf(pattern)).toEqual([
      [0, 2],
      [1, 0],
    ]);
    expect(pattern.weightType).toBe(WEIGHT_UNIT);
    const integer = parseMatrixMarket(host, text('%%MATRIXMARKET Matrix Coordinate INTEGER General\r\n4 2 1\r\n4 2 -7\r\n'));
    expect(integer.n).toBe(4);
    expect(arcsOf(integer)).toEqual([[3, 1]]);
    expect(weightsOf(integer)).toEqual([-7]);
  });
});

describe('METIS', () => {
  it('reads the METIS manual example: one arc per adjacency entry', () => {
    const source = '7 11\n5 3 2\n1 3 4\n5 4 2 1\n2 3 6 7\n1 3 6\n5 4 7\n6 4\n';
    const g = parseMetis(host, text(source));
    expect([g.n, g.m]).toEqual([7, 22]);
    expect([...g.outOffsets]).toEqual([0, 3, 6, 10, 14, 17, 20, 22]);
    expect([...g.outTargets]).toEqual([4, 2, 1, 0, 2, 3, 4, 3, 1, 0, 1, 2, 5, 6, 0, 2, 5, 4, 3, 6, 5, 3]);
    expect(g.weightType).toBe(WEIGHT_UNIT);
  });

  it('reads vertex weights, edge weights, comments and an empty line as an isolated vertex', () => {
    const isolated = parseMetis(host, text('3 1\n2\n1\n\n'));
    expect([isolated.n, isolated.m]).toEqual([3, 2]);
    expect([...isolated.outOffsets]).toEqual([0, 1, 2, 2]);
    const g = parseMetis(host, text('% comment\n4 2 011\n7 2 5 3 6\n1 1 5\n% between\n2 1 6\n3\n'));
    expect([g.n, g.m]).toEqual([4, 4]);
    expect(arcsOf(g)).toEqual([
      [0, 1],
      [0, 2],
      [1, 0],
      [2, 0],
    ]);
    expect(weightsOf(g)).toEqual([5, 6, 5, 6]);
    const sized = parseMetis(host, text('2 1 100\n9 2\n9 1\n'));
    expect(arcsOf(sized)).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });
});

describe('neuron table', () => {
  const field = (records: Int32Array, vertex: number, slot: number): number => records[vertex * NEURON_STRIDE + slot]!;

  it('fills listed neurons and columns, defaults elsewhere (CSV, empty cell = default)', () => {
    const g = parseEdgeList(host, text('# n: 3\n0 1 5\n'), { neurons: text('id,vth,bias\n2,100,-5\n0,,7\n') });
    const records = g.neuronRecords!;
    // slots: du 0, dv 1, vth 2, bias 3, refractory 4, noise 5
    expect([0, 1, 2].map((v) => field(records, v, 2))).toEqual([20000, 20000, 100]);
    expect([0, 1, 2].map((v) => field(records, v, 3))).toEqual([7, 0, -5]);
    expect([0, 1, 2].map((v) => field(records, v, 0))).toEqual([1024, 1024, 1024]);
  });

  it('maps the table ids through a remapped graph (TSV, comments)', () => {
    const g = parseEdgeList(host, text('10 1000 3\n1000 20 4\n'), { neurons: text('# parameters\nid\tdu\trefractory\n1000\t7\t2\n') });
    const records = g.neuronRecords!;
    expect(field(records, 2, 0)).toBe(7);
    expect(field(records, 2, 4)).toBe(2);
    expect(field(records, 0, 0)).toBe(1024);
  });
});

describe('parseGraphBytes and loadGraph', () => {
  it('choose the parser by name and decompress .gz', () => {
    const mtx = '%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 2\n';
    const g = parseGraphBytes(host, new Uint8Array(gzipSync(Buffer.from(mtx))), { name: 'x.mtx.gz' });
    expect(arcsOf(g)).toEqual([[0, 1]]);
    const metis = parseGraphBytes(host, text('2 1\n2\n1\n'), { format: 'graph' });
    expect(metis.m).toBe(2);
  });

  it('loads files of every extension, reports progress and reads a neuron table file', () => {
    const files: Record<string, string | Buffer> = {
      'a.txt': '0 1\n1 2\n',
      'a.el.gz': gzipSync(Buffer.from('0 1\n1 2\n')),
      'a.graph': '3 2\n2\n1 3\n2\n',
      'a.MTX': '%%MatrixMarket matrix coordinate pattern general\n3 3 2\n1 2\n2 3\n',
    };
    for (const [file, content] of Object.entries(files)) writeFileSync(join(scratch, file), content);
    writeFileSync(join(scratch, 'neurons.csv'), 'id,noise\n1,3\n');
    const progress: [number, number][] = [];
    const g = loadGraph(host, join(scratch, 'a.txt'), { onProgress: (done, total) => progress.push([done, total]), neurons: join(scratch, 'neurons.csv') });
    expect(arcsOf(g)).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(progress.at(-1)).toEqual([8, 8]);
    expect(g.neuronRecords![1 * NEURON_STRIDE + 5]).toBe(3);
    expect(g.name).toBe(join(scratch, 'a.txt'));
    expect(arcsOf(loadGraph(host, join(scratch, 'a.el.gz')))).toEqual(arcsOf(g));
    const named = loadGraph(host, join(scratch, 'a.graph'), { name: 'metis' });
    expect([named.m, named.name]).toEqual([4, 'metis']);
    expect(arcsOf(loadGraph(host, join(scratch, 'a.MTX')))).toEqual(arcsOf(g));
  });

  it('loads a .nmg snapshot with the same CSR and weights', () => {
    const original = parseEdgeList(host, text(EDGE_LIST), { name: 'small.el' });
    writeFileSync(join(scratch, 'small.nmg'), saveGraphSnapshot(original));
    const loaded = loadGraph(host, join(scratch, 'small.nmg'));
    expect([loaded.n, loaded.m]).toEqual([original.n, original.m]);
    expect(arcsOf(loaded)).toEqual(arcsOf(original));
    expect(weightsOf(loaded)).toEqual(weightsOf(original));
  });
});

describe('browser entry', () => {
  it('exports the byte parsers but not the file loader', async () => {
    const browser: Record<string, unknown> = await import('../../src/index.browser.js');
    for (const name of ['parseEdgeList', 'parseMatrixMarket', 'parseMetis', 'parseNeuronTable', 'parseGraphBytes', 'fromGraphology']) {
      expect(typeof browser[name]).toBe('function');
    }
    expect(browser['loadGraph']).toBeUndefined();
    const parse = browser['parseGraphBytes'] as typeof parseGraphBytes;
    expect(arcsOf(parse(host, text('0 1\n'), { name: 'fetched.el' }))).toEqual([[0, 1]]);
  });
});

describe('graphology import', () => {
  it('maps string keys in iteration order; undirected edges give two arcs, an undirected self-loop one', () => {
    const graph = new MultiGraph({ type: 'mixed' });
    graph.addNode('a');
    graph.addNode('b');
    graph.addNode('c');
    graph.addDirectedEdge('a', 'b', { weight: 2 });
    graph.addUndirectedEdge('b', 'c', { weight: 3, delay: 4 });
    graph.addUndirectedEdge('c', 'c', { weight: 1 });
    const { graph: g, keys } = fromGraphology(host, graph);
    expect(keys).toEqual(['a', 'b', 'c']);
    expect(g.vertexIds).toBeNull();
    expect(arcsOf(g)).toEqual([
      [0, 1],
      [1, 2],
      [2, 1],
      [2, 2],
    ]);
    expect(weightsOf(g)).toEqual([2, 3, 3, 1]);
    expect(delaysOf(g)).toEqual([1, 4, 4, 1]);
  });

  it('keeps dense integer keys as ids and remaps sparse integer keys by rank', () => {
    const dense = new DirectedGraph();
    for (const key of ['2', '0', '1']) dense.addNode(key);
    dense.addEdge('2', '0');
    const imported = fromGraphology(host, dense);
    expect(imported.graph.vertexIds).toBeNull();
    expect(arcsOf(imported.graph)).toEqual([[2, 0]]);
    expect(imported.graph.weightType).toBe(WEIGHT_UNIT);
    const sparse = new DirectedGraph();
    sparse.addNode('10');
    sparse.addNode('5');
    sparse.addEdge('10', '5', { w: 0.5 });
    const remapped = fromGraphology(host, sparse, { weightAttribute: 'w' });
    expect([...remapped.graph.vertexIds!]).toEqual([5, 10]);
    expect(remapped.keys).toEqual(['5', '10']);
    expect(arcsOf(remapped.graph)).toEqual([[1, 0]]);
    expect(weightsOf(remapped.graph)).toEqual([0.5]);
  });
});
