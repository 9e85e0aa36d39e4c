/** Every kind of bad input gets a typed InputError with its stable code, file, line and field. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createHostSync, ErrorCode, InputError, loadGraph, OptionsError, parseEdgeList, parseGraphBytes, parseMatrixMarket, parseMetis, parseNeuronTable } from '../../src/index.js';
import { arcsOf, cut, errorOf, expectInputError, text } from './helpers.js';

const host = createHostSync();
const scratch = mkdtempSync(join(tmpdir(), 'neuromesh-errors-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const el = (source: string | Uint8Array) => () => parseEdgeList(host, typeof source === 'string' ? text(source) : source, { name: 'bad.el' });
const mtx = (source: string) => () => parseMatrixMarket(host, text(source), { name: 'bad.mtx' });
const metis = (source: string) => () => parseMetis(host, text(source), { name: 'bad.graph' });
const table = (source: string, n = 3) => () => parseNeuronTable(text(source), { n, name: 'bad.csv' });

describe('edge list errors', () => {
  it('empty file and comment-only file', () => {
    expectInputError(el(''), ErrorCode.INPUT_EMPTY, { file: 'bad.el', line: 1 });
    expectInputError(el('# name: nothing\n% more\n\n'), ErrorCode.INPUT_EMPTY, { file: 'bad.el', line: 3 });
  });

  it('header problems: ids beyond "# n:", wrong "# m:", contradicting or malformed headers', () => {
    expectInputError(el('# n: 3\n0 1\n1 3\n'), ErrorCode.INPUT_RANGE, { line: 3, field: 'dst' });
    expectInputError(el('# n: 3\n5 1\n'), ErrorCode.INPUT_RANGE, { line: 2, field: 'src' });
    // header after the arcs: checked at the end, naming the line of the largest id
    expectInputError(el('0 1\n1 7\n0 2\n# n: 4\n'), ErrorCode.INPUT_RANGE, { line: 2 });
    expectInputError(el('# m: 3\n0 1\n1 2\n'), ErrorCode.INPUT_HEADER, { line: 1, field: 'm' });
    expectInputError(el('# n: 3\n# m: 2\n'), ErrorCode.INPUT_HEADER, { line: 2, field: 'm' });
    expectInputError(el('# n: 3\n# n: 4\n0 1\n'), ErrorCode.INPUT_HEADER, { line: 2, field: 'n' });
    expectInputError(el('# n: many\n0 1\n'), ErrorCode.INPUT_HEADER, { line: 1, field: 'n' });
    expectInputError(el('# n: 3000000000\n0 1\n'), ErrorCode.INPUT_HEADER, { line: 1, field: 'n' });
  });

  it('wrong field counts and non-numeric fields name the field', () => {
    expectInputError(el('0 1\n7\n'), ErrorCode.INPUT_SYNTAX, { line: 2, field: 'dst' });
    expectInputError(el('0 1 1 1 1\n'), ErrorCode.INPUT_SYNTAX, { line: 1, field: 'extra' });
    expectInputError(el('0 1\nx 2\n'), ErrorCode.INPUT_SYNTAX, { line: 2, field: 'src' });
    expectInputError(el('0 1\n2 y\n'), ErrorCode.INPUT_SYNTAX, { line: 2, field: 'dst' });
    expectInputError(el('0 12abc\n'), ErrorCode.INPUT_SYNTAX, { line: 1, field: 'dst' });
    expectInputError(el('1.5 2\n'), ErrorCode.INPUT_SYNTAX, { line: 1, field: 'src' });
    expectInputError(el('0 1 abc\n'), ErrorCode.INPUT_SYNTAX, { line: 1, field: 'weight' });
    expectInputError(el('0 1 1e\n'), ErrorCode.INPUT_SYNTAX, { line: 1, field: 'weight' });
    expectInputError(el('0 1 2 x\n'), ErrorCode.INPUT_SYNTAX, { line: 1, field: 'delay' });
  });

  it('negative ids, too large ids', () => {
    expectInputError(el('0 1\n-1 2\n'), ErrorCode.INPUT_RANGE, { line: 2, field: 'src' });
    expectInputError(el('0 -4\n'), ErrorCode.INPUT_RANGE, { line: 1, field: 'dst' });
    expectInputError(el('0 99999999999999999999\n'), ErrorCode.INPUT_RANGE, { line: 1, field: 'dst' });
    expectInputError(() => parseEdgeList(host, text('0 1\n1 3000000000\n'), { remap: 'never' }), ErrorCode.INPUT_RANGE, { line: 2 });
  });

  it('NaN, infinite and overflowing weights', () => {
    for (const weight of ['nan', 'NaN', 'inf', '-Infinity', '1e999', '-1e400']) {
      expectInputError(el(`0 1 1\n1 0 ${weight}\n`), ErrorCode.INPUT_RANGE, { line: 2, field: 'weight' });
    }
  });

  it('delays must be integers in [1, 65535]', () => {
    for (const delay of ['0', '-1', '1.5', '65536', '1e9']) {
      expectInputError(el(`0 1 1 2\n1 0 1 ${delay}\n`), ErrorCode.INPUT_RANGE, { line: 2, field: 'delay' });
    }
  });

  it('mixed column counts', () => {
    expectInputError(el('0 1 2\n1 2\n'), ErrorCode.INPUT_SYNTAX, { line: 2, field: 'weight' });
    expectInputError(el('0 1\n1 2 3\n'), ErrorCode.INPUT_SYNTAX, { line: 2, field: 'weight' });
    expectInputError(el('0 1 2 3\n1 2 3\n'), ErrorCode.INPUT_SYNTAX, { line: 2, field: 'delay' });
    expectInputError(el('0 1 2\n\n1 2 3 4\n'), ErrorCode.INPUT_SYNTAX, { line: 3, field: 'delay' });
  });

  it('binary data: NUL and control bytes, in data and in comments, and gzip bytes read as text', () => {
    expectInputError(el(new Uint8Array([48, 32, 49, 10, 0, 0, 10])), ErrorCode.INPUT_BINARY, { line: 2 });
    expectInputError(el(new Uint8Array([48, 32, 49, 2, 10])), ErrorCode.INPUT_BINARY, { line: 1, field: 'dst' });
    expectInputError(el(new Uint8Array([35, 32, 104, 105, 27, 10, 48, 32, 49, 10])), ErrorCode.INPUT_BINARY, { line: 1 });
    const packed = new Uint8Array(gzipSync(Buffer.from('0 1\n')));
    expectInputError(() => parseEdgeList(host, packed, { gzip: false }), ErrorCode.INPUT_BINARY, { line: 1 });
  });

  it('a line over 1 MiB, whole or in chunks, data or comment', () => {
    const long = '0 1\n' + '1'.repeat((1 << 20) + 10) + ' 2\n';
    expectInputError(el(long), ErrorCode.INPUT_LINE_TOO_LONG, { line: 2 });
    expectInputError(el(' '.repeat((1 << 20) + 10) + '0 1\n'), ErrorCode.INPUT_LINE_TOO_LONG, { line: 1 });
    expectInputError(el('#' + 'x'.repeat((1 << 20) + 10) + '\n0 1\n'), ErrorCode.INPUT_LINE_TOO_LONG, { line: 1 });
    expectInputError(el('0 1\n' + ' '.repeat((1 << 20) + 10) + '\n'), ErrorCode.INPUT_LINE_TOO_LONG, { line: 2 });
    expectInputError(mtx('%%MatrixMarket matrix coordinate pattern general\n%' + 'x'.repeat((1 << 20) + 10) + '\n'), ErrorCode.INPUT_LINE_TOO_LONG, { line: 2 });
    expectInputError(metis('2 1\n2' + ' '.repeat((1 << 20) + 10) + '\n1\n'), ErrorCode.INPUT_LINE_TOO_LONG, { line: 2 });
    expectInputError(table('id,vth\n1,' + '1'.repeat((1 << 20) + 10) + '\n'), ErrorCode.INPUT_LINE_TOO_LONG, { line: 2 });
    const bytes = text(long);
    expectInputError(() => parseEdgeList(host, cut(bytes, [2, 100, 5000, 600000])), ErrorCode.INPUT_LINE_TOO_LONG, { line: 2 });
  });
});

describe('gzip errors', () => {
  const plain = '# n: 40\n' + Array.from({ length: 200 }, (_, i) => `${i % 37} ${(i * 7) % 40} ${i}`).join('\n') + '\n';
  const packed = new Uint8Array(gzipSync(Buffer.from(plain)));
  const reference = arcsOf(parseEdgeList(host, text(plain)));

  it('truncation anywhere is INPUT_COMPRESSION naming the file', () => {
    for (const length of [1, 5, 12, packed.length >> 1, packed.length - 8, packed.length - 4, packed.length - 1]) {
      expectInputError(() => parseEdgeList(host, packed.subarray(0, length), { name: 'cut.el.gz', gzip: true }), ErrorCode.INPUT_COMPRESSION, { file: 'cut.el.gz' });
    }
  });

  it('a corrupted byte is INPUT_COMPRESSION (or, in ignored bits, the same graph)', () => {
    let errors = 0;
    for (let at = 10; at < packed.length; at++) {
      const bad = packed.slice();
      bad[at] ^= 0x5a;
      const outcome = errorOf2(() => parseEdgeList(host, bad, { name: 'bad.el.gz' }));
      if (outcome instanceof InputError && outcome.code === ErrorCode.INPUT_COMPRESSION) errors++;
      else if (outcome instanceof InputError) expect(outcome.code).not.toBe(ErrorCode.INPUT_EMPTY);
      else expect(arcsOf(outcome as ReturnType<typeof parseEdgeList>)).toEqual(reference);
    }
    expect(errors).toBeGreaterThan((packed.length - 10) * 0.9);
  });

  it('a .gz file that is not gzip', () => {
    writeFileSync(join(scratch, 'fake.el.gz'), '0 1\n');
    expectInputError(() => loadGraph(host, join(scratch, 'fake.el.gz')), ErrorCode.INPUT_COMPRESSION, { file: join(scratch, 'fake.el.gz') });
  });
});

function errorOf2(action: () => unknown): unknown {
  try {
    return action();
  } catch (error) {
    return error;
  }
}

describe('Matrix Market errors', () => {
  const banner = '%%MatrixMarket matrix coordinate integer general\n';
  it('banner: missing, or an unsupported kind', () => {
    expectInputError(mtx('3 3 1\n1 2 3\n'), ErrorCode.INPUT_HEADER, { line: 1, field: 'banner' });
    for (const kind of ['matrix array real general', 'matrix coordinate complex general', 'matrix coordinate real hermitian', 'matrix coordinate real skew-symmetric', 'vector coordinate real general']) {
      const error = expectInputError(mtx(`%%MatrixMarket ${kind}\n1 1 1\n1 1 1\n`), ErrorCode.INPUT_FORMAT, { line: 1, field: 'banner' });
      expect(error.message).toMatch(/unsupported/);
    }
  });

  it('entry count, index range, value type, size line', () => {
    expectInputError(mtx(`${banner}% c\n3 3 2\n1 2 3\n`), ErrorCode.INPUT_HEADER, { line: 3, field: 'nnz' });
    expectInputError(mtx(`${banner}3 3 1\n1 2 3\n2 3 1\n`), ErrorCode.INPUT_HEADER, { line: 4, field: 'nnz' });
    expectInputError(mtx(`${banner}3 3 1\n4 2 3\n`), ErrorCode.INPUT_RANGE, { line: 3, field: 'row' });
    expectInputError(mtx(`${banner}3 3 1\n1 0 3\n`), ErrorCode.INPUT_RANGE, { line: 3, field: 'col' });
    expectInputError(mtx(`${banner}3 3 1\n1 2\n`), ErrorCode.INPUT_SYNTAX, { line: 3, field: 'value' });
    expectInputError(mtx(`${banner}3 3 1\n1 2 2.5\n`), ErrorCode.INPUT_SYNTAX, { line: 3, field: 'value' });
    expectInputError(mtx(`${banner}3 3 1\n1 2 3 4\n`), ErrorCode.INPUT_SYNTAX, { line: 3, field: 'extra' });
    expectInputError(mtx(`%%MatrixMarket matrix coordinate real general\n3 3 1\n1 2 nan\n`), ErrorCode.INPUT_RANGE, { line: 3, field: 'value' });
    expectInputError(mtx(`%%MatrixMarket matrix coordinate pattern symmetric\n3 4 0\n`), ErrorCode.INPUT_HEADER, { line: 2, field: 'cols' });
    expectInputError(mtx(`${banner}3 x 1\n`), ErrorCode.INPUT_SYNTAX, { line: 2, field: 'cols' });
    expectInputError(mtx(`${banner}% only comments\n`), ErrorCode.INPUT_EMPTY, { field: 'rows' });
    expectInputError(mtx(''), ErrorCode.INPUT_EMPTY, { line: 1 });
  });
});

describe('METIS errors', () => {
  it('ids, counts, header', () => {
    expectInputError(metis('3 1\n2\n4\n\n'), ErrorCode.INPUT_RANGE, { line: 3, field: 'neighbour' });
    expectInputError(metis('3 2\n2\n1\n\n'), ErrorCode.INPUT_HEADER, { line: 1, field: 'm' });
    expectInputError(metis('3 1\n2\n1\n'), ErrorCode.INPUT_SYNTAX, { line: 4, field: 'n' });
    expectInputError(metis('2 1\n2\n1\n1\n'), ErrorCode.INPUT_SYNTAX, { line: 4, field: 'n' });
    expectInputError(metis('2 1 2\n2\n1\n'), ErrorCode.INPUT_HEADER, { line: 1, field: 'fmt' });
    expectInputError(metis('2 1 001\n2\n1 5\n'), ErrorCode.INPUT_SYNTAX, { line: 2, field: 'edge weight' });
    expectInputError(metis('2\n'), ErrorCode.INPUT_HEADER, { line: 1, field: 'm' });
    expectInputError(metis('% nothing\n'), ErrorCode.INPUT_EMPTY);
    expectInputError(metis(''), ErrorCode.INPUT_EMPTY, { line: 1 });
  });
});

describe('neuron table errors', () => {
  it('columns, values, ids', () => {
    expectInputError(table('id,vth,colour\n0,1,2\n'), ErrorCode.INPUT_HEADER, { line: 1, field: 'colour' });
    expectInputError(table('vth\n1\n'), ErrorCode.INPUT_HEADER, { line: 1, field: 'id' });
    expectInputError(table('id,vth,vth\n'), ErrorCode.INPUT_HEADER, { line: 1, field: 'vth' });
    expectInputError(table('id,vth\n0,1.5\n'), ErrorCode.INPUT_SYNTAX, { line: 2, field: 'vth' });
    expectInputError(table('id,bias\n0,abc\n'), ErrorCode.INPUT_SYNTAX, { line: 2, field: 'bias' });
    expectInputError(table('# c\nid,du\n0,4097\n'), ErrorCode.INPUT_RANGE, { line: 3, field: 'du' });
    expectInputError(table('id,noise\n1,-1\n'), ErrorCode.INPUT_RANGE, { line: 2, field: 'noise' });
    expectInputError(table('id,vth\n1,5\n1,6\n'), ErrorCode.INPUT_SYNTAX, { line: 3, field: 'id' });
    expectInputError(table('id,vth\n3,5\n'), ErrorCode.INPUT_RANGE, { line: 2, field: 'id' });
    expectInputError(table('id,vth\n-1,5\n'), ErrorCode.INPUT_RANGE, { line: 2, field: 'id' });
    expectInputError(table('id\tvth\n1\n'), ErrorCode.INPUT_SYNTAX, { line: 2, field: 'vth' });
    expectInputError(table('id,vth\n1,2,3\n'), ErrorCode.INPUT_SYNTAX, { line: 2 });
    expectInputError(table(''), ErrorCode.INPUT_EMPTY, { line: 1 });
    expectInputError(table('# only a comment\n'), ErrorCode.INPUT_EMPTY);
  });

  it('ids of a remapped graph are its input ids', () => {
    const source = text('10 1000\n1000 20\n');
    expectInputError(() => parseEdgeList(host, source, { neurons: text('id,vth\n2,5\n'), neuronsName: 'n.csv' }), ErrorCode.INPUT_RANGE, { file: 'n.csv', line: 2, field: 'id' });
  });
});

describe('files and formats', () => {
  it('unknown extension lists the known ones', () => {
    writeFileSync(join(scratch, 'graph.csv'), '0,1\n');
    const error = expectInputError(() => loadGraph(host, join(scratch, 'graph.csv')), ErrorCode.INPUT_FORMAT);
    expect(error.message).toContain('.el');
    expect(error.message).toContain('.mtx');
    expectInputError(() => parseGraphBytes(host, text('0 1\n'), { name: 'noextension' }), ErrorCode.INPUT_FORMAT);
  });

  it('missing file, directory and empty file', () => {
    expectInputError(() => loadGraph(host, join(scratch, 'missing.el')), ErrorCode.INPUT_IO, { file: join(scratch, 'missing.el') });
    mkdirSync(join(scratch, 'folder.el'));
    expectInputError(() => loadGraph(host, join(scratch, 'folder.el')), ErrorCode.INPUT_IO);
    writeFileSync(join(scratch, 'empty.el'), '');
    expectInputError(() => loadGraph(host, join(scratch, 'empty.el')), ErrorCode.INPUT_EMPTY, { file: join(scratch, 'empty.el'), line: 1 });
    writeFileSync(join(scratch, 'bad-line.el'), '0 1\n1 x\n');
    // a caller's graph name does not replace the path in errors
    expectInputError(() => loadGraph(host, join(scratch, 'bad-line.el'), { name: 'my graph' }), ErrorCode.INPUT_SYNTAX, { file: join(scratch, 'bad-line.el'), line: 2, field: 'dst' });
    writeFileSync(join(scratch, 'ok.el'), '0 1\n');
    expectInputError(() => loadGraph(host, join(scratch, 'ok.el'), { neurons: join(scratch, 'missing.csv') }), ErrorCode.INPUT_IO, { file: join(scratch, 'missing.csv') });
  });

  it('bad options are OptionsError', () => {
    expect(errorOf(() => parseEdgeList(host, text('0 1\n'), { remap: 'sometimes' as 'auto' }))).toBeInstanceOf(OptionsError);
    expect(errorOf(() => parseGraphBytes(host, text('0 1\n'), { format: 'csv' as 'el' }))).toBeInstanceOf(OptionsError);
  });
});
