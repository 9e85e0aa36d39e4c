/**
 * The streaming property: a multi-million-arc file loads without its text ever being held whole,
 * and a 64 MiB line fails after reading little more than 1 MiB of it, in constant memory.
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHostSync, ErrorCode, loadGraph, MAX_LINE_BYTES } from '../../src/index.js';
import { expectInputError } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'neuromesh-streaming-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const host = createHostSync();

describe('streaming loads', () => {
  it('a 3M-arc edge list loads, with the parser holding far less than its text', () => {
    const arcs = 3_000_000;
    const n = 1_000_000;
    const path = join(scratch, 'large.el');
    const descriptor = openSync(path, 'w');
    let state = 12345;
    let targetSum = 0;
    let lastSource = 0;
    let lastTarget = 0;
    // zero-padded ids: 16 bytes of text per arc against 8 bytes of parsed ids
    const pad = (value: number) => String(value).padStart(7, '0');
    for (let written = 0; written < arcs; ) {
      let block = '';
      for (let k = 0; k < 50_000 && written < arcs; k++, written++) {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        const source = state % n;
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        const target = state % n;
        targetSum += target;
        lastSource = source;
        lastTarget = target;
        block += `${pad(source)} ${pad(target)}\n`;
      }
      writeSync(descriptor, block);
    }
    // the largest id, so n is exactly 1M
    writeSync(descriptor, `${pad(n - 1)} ${pad(0)}\n`);
    closeSync(descriptor);
    const size = statSync(path).size;
    expect(size).toBe((arcs + 1) * 16);

    const baseline = process.memoryUsage().arrayBuffers;
    let peak = 0;
    let calls = 0;
    const graph = loadGraph(host, path, {
      keepInputOrder: true,
      onProgress: (done, total) => {
        calls++;
        expect(total).toBe(size);
        expect(done).toBeLessThanOrEqual(size);
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
      },
    });
    expect(graph.n).toBe(n);
    expect(graph.m).toBe(arcs + 1);
    expect(calls).toBeGreaterThan(5);
    // parsed ids (8 bytes per arc, estimated capacity) + one 4 MiB chunk: about half the text
    expect(peak).toBeLessThan(0.75 * size);
    let sum = 0;
    for (const target of graph.outTargets) sum += target;
    expect(sum).toBe(targetSum);
    // the last generated arc is the last in input order: find it through arcInputOrder
    const order = graph.arcInputOrder!;
    const position = order.indexOf(arcs - 1);
    expect(graph.outTargets[position]).toBe(lastTarget);
    expect(graph.outOffsets[lastSource]! <= position && position < graph.outOffsets[lastSource + 1]!).toBe(true);
    rmSync(path);
  });

  it('a 64 MiB single line fails with INPUT_LINE_TOO_LONG after reading a few MiB', () => {
    const path = join(scratch, 'long-line.el');
    const descriptor = openSync(path, 'w');
    const block = Buffer.alloc(1 << 20, '7');
    for (let k = 0; k < 64; k++) writeSync(descriptor, block);
    closeSync(descriptor);
    let read = 0;
    expectInputError(() => loadGraph(host, path, { onProgress: (done) => (read = done) }), ErrorCode.INPUT_LINE_TOO_LONG, { line: 1, file: path });
    expect(read).toBeGreaterThan(MAX_LINE_BYTES);
    expect(read).toBeLessThanOrEqual(8 << 20);
    rmSync(path);
  });
});
