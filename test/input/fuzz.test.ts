/**
 * Seeded fuzzing of every loader: mutations of small valid files (byte flips, truncation, inserted
 * garbage, duplicated lines, huge numbers, deleted bytes), each of which must give a valid graph
 * or an InputError: never another exception, never a hang. A valid graph is checked for CSR/CSC
 * consistency, so a mutation cannot slip through as a silently broken graph either.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createHostSync, InputError, NeuromorphicGraph, parseEdgeList, parseMatrixMarket, parseMetis, type WasmHost } from '../../src/index.js';
import { text } from './helpers.js';

const MUTATIONS_PER_FORMAT = 1200;

/** mulberry32: a small, well-mixed 32-bit generator, enough for choosing mutations */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GARBAGE = ['\0', '\x01', '\xff', '-', '+', '.', 'e', 'nan', 'inf', '1e999', '99999999999999999999', '4294967296', '2147483647', '#', '%', ' ', '\t', '\r', '\n', '\n\n', ',', ':', '0', '-0', '1.5', '%%MatrixMarket', '# n: ', '# m: 1'];

function mutate(bytes: Uint8Array, next: () => number): Uint8Array {
  const pick = (k: number) => Math.floor(next() * k);
  const rounds = 1 + pick(3);
  let out = bytes;
  for (let r = 0; r < rounds; r++) {
    const at = pick(out.length + 1);
    switch (pick(6)) {
      case 0: {
        // byte flip
        if (out.length === 0) break;
        const copy = out.slice();
        copy[Math.min(at, copy.length - 1)] ^= 1 << pick(8);
        out = copy;
        break;
      }
      case 1:
        // truncation
        out = out.slice(0, at);
        break;
      case 2: {
        // inserted garbage
        const insert = text(GARBAGE[pick(GARBAGE.length)]!);
        out = concat(out.subarray(0, at), insert, out.subarray(at));
        break;
      }
      case 3: {
        // a duplicated line
        const start = out.lastIndexOf(10, at - 1) + 1;
        let end = out.indexOf(10, at);
        end = end < 0 ? out.length : end + 1;
        out = concat(out.subarray(0, end), out.subarray(start, end), out.subarray(end));
        break;
      }
      case 4: {
        // a huge or extreme number in place of a digit run
        let start = at;
        while (start < out.length && !(out[start]! >= 48 && out[start]! <= 57)) start++;
        let end = start;
        while (end < out.length && out[end]! >= 48 && out[end]! <= 57) end++;
        const numbers = ['18446744073709551616', '9007199254740993', '4294967295', '2147483648', '65536', '0', '1e308', '3000000000'];
        out = concat(out.subarray(0, start), text(numbers[pick(numbers.length)]!), out.subarray(end));
        break;
      }
      default:
        // deleted bytes
        out = concat(out.subarray(0, at), out.subarray(at + 1 + pick(4)));
    }
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A graph that loaded must be internally consistent. */
function checkGraph(graph: NeuromorphicGraph): void {
  const { n, m } = graph;
  const out = graph.outOffsets;
  const inward = graph.inOffsets;
  if (out[0] !== 0 || out[n] !== m || inward[0] !== 0 || inward[n] !== m) throw new Error('offsets do not span the arcs');
  for (let v = 0; v < n; v++) if (out[v + 1]! < out[v]! || inward[v + 1]! < inward[v]!) throw new Error('offsets not monotone');
  for (const target of graph.outTargets) if (target >= n) throw new Error('target out of range');
  for (const source of graph.inSources) if (source >= n) throw new Error('source out of range');
  for (let k = 0; k < m; k++) {
    if (!Number.isFinite(graph.weightOf(k))) throw new Error('non-finite weight');
    const delay = graph.delayOf(k);
    if (!(delay >= 1 && delay <= 65535)) throw new Error('bad delay');
  }
}

type Parse = (host: WasmHost, bytes: Uint8Array) => NeuromorphicGraph;

const EDGE_LIST = '# n: 12\n# m: 6\n0 1 5 2\n1 2 -3 1\n% comment\n2 0 1.5e1 7\n\n3 3 1 300\n11 4 2 1\r\n5 6 0.25 3\n';
const SPARSE_EDGE_LIST = '10 1000\n1000 20\n20 10\n7 7\n';
const MATRIX_MARKET = '%%MatrixMarket matrix coordinate real symmetric\n% comment\n5 5 5\n1 1 2.5\n2 1 -1\n3 2 4\n5 4 1e2\n4 3 7\n';
const MATRIX_PATTERN = '%%MatrixMarket matrix coordinate pattern general\n4 3 3\n1 3\n2 1\n4 2\n';
const METIS = '% comment\n5 4 011\n7 2 5 3 6\n1 1 5\n2 1 6 4 1\n3 3 1 5 2\n4 4 2\n';
const NEURON_GRAPH = text('# n: 4\n0 1 5\n1 2 6\n');
const NEURON_TABLE = '# comment\nid,du,dv,vth,bias,refractory,noise\n0,100,200,300,-4,2,1\n3,,,,5,,\n';

const cases: [string, string, Parse][] = [
  ['edge list', EDGE_LIST, (host, bytes) => parseEdgeList(host, bytes, { name: 'fuzz.el', gzip: false })],
  ['sparse edge list', SPARSE_EDGE_LIST, (host, bytes) => parseEdgeList(host, bytes, { name: 'fuzz.el', gzip: false })],
  ['Matrix Market', MATRIX_MARKET, (host, bytes) => parseMatrixMarket(host, bytes, { name: 'fuzz.mtx', gzip: false })],
  ['Matrix Market pattern', MATRIX_PATTERN, (host, bytes) => parseMatrixMarket(host, bytes, { name: 'fuzz.mtx', gzip: false })],
  ['METIS', METIS, (host, bytes) => parseMetis(host, bytes, { name: 'fuzz.graph', gzip: false })],
  ['neuron table', NEURON_TABLE, (host, bytes) => parseEdgeList(host, NEURON_GRAPH, { name: 'graph.el', neurons: bytes, neuronsName: 'fuzz.csv' })],
  ['gzip edge list (compressed bytes mutated)', EDGE_LIST, (host, bytes) => parseEdgeList(host, bytes, { name: 'fuzz.el.gz', gzip: true })],
  ['gzip Matrix Market (compressed bytes mutated)', MATRIX_MARKET, (host, bytes) => parseMatrixMarket(host, bytes, { name: 'fuzz.mtx.gz', gzip: true })],
  ['gzip METIS (compressed bytes mutated)', METIS, (host, bytes) => parseMetis(host, bytes, { name: 'fuzz.graph.gz', gzip: true })],
];

describe('fuzzing the loaders', () => {
  // a small memory maximum: a mutated header that declares a huge graph must fail fast, as bad input
  const host = createHostSync({ maximumBytes: 256 << 20 });

  cases.forEach(([label, source, parse], index) => {
    it(`${label}: ${MUTATIONS_PER_FORMAT} seeded mutations give a valid graph or an InputError`, () => {
      const valid = text(source);
      const compressed = label.startsWith('gzip');
      const original = compressed ? new Uint8Array(gzipSync(Buffer.from(valid))) : valid;
      checkGraph(parse(host, original));
      const next = random(0x5eed + index);
      const outcomes = { graphs: 0, inputErrors: 0 };
      const codes = new Set<string>();
      let slowest = 0;
      for (let k = 0; k < MUTATIONS_PER_FORMAT; k++) {
        const mutated = mutate(original, next);
        const mark = host.arena.mark();
        const started = performance.now();
        try {
          checkGraph(parse(host, mutated));
          outcomes.graphs++;
        } catch (error) {
          if (!(error instanceof InputError)) {
            throw new Error(`mutation ${k} of ${label} threw ${String(error)}; input: ${JSON.stringify(new TextDecoder().decode(mutated))}`);
          }
          expect(error.file).toBeTruthy();
          outcomes.inputErrors++;
          codes.add(error.code);
        } finally {
          host.arena.release(mark);
        }
        slowest = Math.max(slowest, performance.now() - started);
      }
      // both outcomes occur, and errors of several kinds: the mutations reach past the first check
      expect(outcomes.graphs).toBeGreaterThan(0);
      expect(outcomes.inputErrors).toBeGreaterThan(MUTATIONS_PER_FORMAT / 10);
      expect(codes.size).toBeGreaterThanOrEqual(compressed ? 1 : 3);
      expect(slowest).toBeLessThan(2000);
    });
  });

  it('gzip of mutated text: the same outcome as the plain mutated text', () => {
    const next = random(0xfeed);
    for (let k = 0; k < 300; k++) {
      const mutated = mutate(text(EDGE_LIST), next);
      const mark = host.arena.mark();
      const plain = outcome(() => parseEdgeList(host, mutated, { gzip: false }));
      const packed = outcome(() => parseEdgeList(host, new Uint8Array(gzipSync(Buffer.from(mutated))), { gzip: true }));
      expect(packed).toEqual(plain);
      host.arena.release(mark);
    }
  });
});

function outcome(action: () => NeuromorphicGraph): string {
  try {
    const graph = action();
    return `graph n=${graph.n} m=${graph.m} ${[...graph.outTargets].join(',')}`;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return `${error.code} line ${error.line} field ${error.field}`;
  }
}
