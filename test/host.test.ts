import { describe, expect, it } from 'vitest';
import { createHostSync, ErrorCode, OptionsError, PAGE_BYTES, ResourceError } from '../src/index.js';

describe('WasmHost and its arena', () => {
  it('hands out aligned, disjoint regions above the module statics', () => {
    const host = createHostSync({ initialBytes: PAGE_BYTES * 2 });
    expect(host.arena.base % PAGE_BYTES).toBe(0);
    expect(host.arena.base).toBeGreaterThanOrEqual(host.exports.heap_base());
    const a = host.arena.alloc(3, 8);
    const b = host.arena.alloc(100);
    expect(a % 8).toBe(0);
    expect(b % 64).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 3);
  });

  it('grows the shared memory and old views keep their data', () => {
    const host = createHostSync({ initialBytes: PAGE_BYTES * 2 });
    const first = host.allocArray(Int32Array, 16);
    const early = host.view(Int32Array, first, 16);
    early.fill(7);
    const before = host.memory.buffer.byteLength;
    host.allocArray(Float64Array, 1 << 20); // 8 MiB: forces a grow
    expect(host.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(host.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([...host.view(Int32Array, first, 16)]).toEqual(new Array(16).fill(7));
    early[0] = 9; // a view made before the grow still aliases the same memory
    expect(host.view(Int32Array, first, 1)[0]).toBe(9);
  });

  it('marks and releases scratch space', () => {
    const host = createHostSync();
    const mark = host.arena.mark();
    const scratch = host.arena.alloc(1024);
    host.arena.release(mark);
    expect(host.arena.alloc(1024)).toBe(scratch);
    expect(() => host.arena.release(-5)).toThrow(OptionsError);
  });

  it('reports a typed error when the memory cannot hold a request', () => {
    const host = createHostSync({ initialBytes: PAGE_BYTES * 2, maximumBytes: PAGE_BYTES * 4 });
    try {
      host.arena.alloc(PAGE_BYTES * 8);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ResourceError);
      expect((error as ResourceError).code).toBe(ErrorCode.MEMORY);
    }
  });

  it('validates its options', () => {
    expect(() => createHostSync({ maximumBytes: 0 })).toThrow(OptionsError);
    expect(() => createHostSync({ initialBytes: 2 ** 40 })).toThrow(OptionsError);
  });
});
