import { expect } from 'vitest';
import { InputError, type NeuromorphicGraph } from '../../src/index.js';

export const encoder = new TextEncoder();
export const text = (value: string): Uint8Array => encoder.encode(value);

/** The error `action` throws; fails the test when it throws nothing. */
export function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but none was thrown');
}

/** Expect an InputError with this code (and line / field when given). */
export function expectInputError(action: () => unknown, code: string, where: { line?: number; field?: string; file?: string } = {}): InputError {
  const error = errorOf(action);
  expect(error).toBeInstanceOf(InputError);
  const input = error as InputError;
  expect(input.code).toBe(code);
  if ('line' in where) expect(input.line).toBe(where.line);
  if ('field' in where) expect(input.field).toBe(where.field);
  if ('file' in where) expect(input.file).toBe(where.file);
  return input;
}

/** Out-arcs as [source, target] pairs in CSR order, in the graph's dense ids. */
export function arcsOf(graph: NeuromorphicGraph): [number, number][] {
  const offsets = graph.outOffsets;
  const targets = graph.outTargets;
  const arcs: [number, number][] = [];
  for (let u = 0; u < graph.n; u++) for (let k = offsets[u]!; k < offsets[u + 1]!; k++) arcs.push([u, targets[k]!]);
  return arcs;
}

export function weightsOf(graph: NeuromorphicGraph): number[] {
  return Array.from({ length: graph.m }, (_, k) => graph.weightOf(k));
}

export function delaysOf(graph: NeuromorphicGraph): number[] {
  return Array.from({ length: graph.m }, (_, k) => graph.delayOf(k));
}

/** Split bytes into chunks at the given cut points. */
export function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.slice(start, point));
    start = point;
  }
  return chunks;
}
