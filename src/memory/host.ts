/**
 * The host: one shared `WebAssembly.Memory`, the compiled kernel module, one instance of it on
 * this thread, and the arena that owns the memory's layout.
 *
 * Memory ownership (DESIGN.md, "Memory"): the host decides where everything lives. Kernels take
 * byte offsets, never allocate, and keep no mutable static data, so any number of instances (one
 * per worker thread, later) can run against the same memory.
 *
 *   0            heapBase (page-rounded)                          top           memory.buffer.byteLength
 *   | AS statics |  region | region | region | ...                |  free ...   |
 *                  ^ each region starts at a multiple of `align` (64 by default: one cache line)
 *
 * Growing a shared memory never detaches the old `SharedArrayBuffer`: views made before a grow keep
 * working over their own range, but `memory.buffer` is a new object with the new length. So views
 * are always made from `memory.buffer` after the allocation that needs them (see `view`).
 */
import { ErrorCode, OptionsError, ResourceError } from '../errors.js';

export const PAGE_BYTES = 65536;
/** The kernels' module declares this maximum; an imported memory may not exceed it. */
export const MAX_PAGES = 65536;
export const DEFAULT_ALIGN = 64;

/** The numbers-and-offsets exports of `build/neuromesh.wasm` (see assembly/ABI.md). */
export type KernelExports = Record<string, (...args: number[]) => number> & {
  heap_base(): number;
};

export interface HostOptions {
  /** initial memory in bytes (rounded up to pages); default 16 MiB */
  initialBytes?: number;
  /** the most the memory may grow to, in bytes; default 4 GiB (the wasm32 limit) */
  maximumBytes?: number;
}

export type TypedArrayConstructor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

/** A bump arena over the shared memory with stack-like marks for scratch space. */
export class Arena {
  private top: number;
  readonly base: number;

  constructor(private readonly memory: WebAssembly.Memory, base: number, private readonly maxPages: number) {
    this.base = base;
    this.top = base;
  }

  /** Bytes handed out so far (above the base). */
  get used(): number {
    return this.top - this.base;
  }

  /** The offset one past the last allocated byte. */
  get end(): number {
    return this.top;
  }

  /** Reserve `bytes` at an offset aligned to `align` (a power of two), growing the memory if needed. */
  alloc(bytes: number, align = DEFAULT_ALIGN): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new OptionsError('allocation size', 'must be a non-negative integer', bytes);
    // Arithmetic, not `& ~(align - 1)`: bitwise operators work on 32 bits and offsets reach 4 GiB.
    const aligned = Math.ceil(this.top / align) * align;
    const end = aligned + bytes;
    this.ensure(end);
    this.top = end;
    return aligned;
  }

  /** Make sure the memory holds at least `end` bytes. */
  ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const needPages = Math.ceil(end / PAGE_BYTES);
    if (needPages > this.maxPages) {
      throw new ResourceError(
        ErrorCode.MEMORY,
        `shared memory would need ${needPages * PAGE_BYTES} bytes, above its maximum of ${this.maxPages * PAGE_BYTES}`,
        { needBytes: end, maximumBytes: this.maxPages * PAGE_BYTES },
      );
    }
    // Grow by at least a quarter of the current size, so a loader that allocates many regions does
    // not grow page by page.
    const havePages = have / PAGE_BYTES;
    const target = Math.min(this.maxPages, Math.max(needPages, Math.ceil(havePages * 1.25)));
    try {
      this.memory.grow(target - havePages);
    } catch (cause) {
      throw new ResourceError(ErrorCode.MEMORY, `could not grow shared memory to ${target * PAGE_BYTES} bytes`, { needBytes: end }, { cause });
    }
  }

  /** A mark to release back to: everything allocated after it is freed by `release`. */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    if (mark < this.base || mark > this.top) throw new OptionsError('arena mark', `must lie in [${this.base}, ${this.top}]`, mark);
    this.top = mark;
  }
}

export class WasmHost {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  readonly exports: KernelExports;
  readonly arena: Arena;

  constructor(module: WebAssembly.Module, options: HostOptions = {}) {
    const maximumBytes = options.maximumBytes ?? MAX_PAGES * PAGE_BYTES;
    const initialBytes = options.initialBytes ?? 16 * 1024 * 1024;
    if (!(maximumBytes > 0) || maximumBytes > MAX_PAGES * PAGE_BYTES) {
      throw new OptionsError('maximumBytes', `must be in (0, ${MAX_PAGES * PAGE_BYTES}]`, maximumBytes);
    }
    if (!(initialBytes > 0) || initialBytes > maximumBytes) {
      throw new OptionsError('initialBytes', 'must be positive and at most maximumBytes', initialBytes);
    }
    const maximum = Math.floor(maximumBytes / PAGE_BYTES);
    const initial = Math.ceil(initialBytes / PAGE_BYTES);
    this.memory = new WebAssembly.Memory({ initial, maximum, shared: true });
    this.module = module;
    this.exports = instantiateKernels(module, this.memory);
    const heapBase = this.exports.heap_base();
    const base = Math.ceil(Math.max(heapBase, 1) / PAGE_BYTES) * PAGE_BYTES;
    this.arena = new Arena(this.memory, base, maximum);
    this.arena.ensure(base);
  }

  /** A typed-array view of `length` elements at byte `offset`, made from the current buffer. */
  view<T extends TypedArrayConstructor>(Type: T, offset: number, length: number): InstanceType<T> {
    return new Type(this.memory.buffer as ArrayBuffer, offset, length) as InstanceType<T>;
  }

  /** Allocate a region for `length` elements of `Type` and return its offset. */
  allocArray(Type: TypedArrayConstructor, length: number, align = DEFAULT_ALIGN): number {
    return this.arena.alloc(length * Type.BYTES_PER_ELEMENT, Math.max(align, Type.BYTES_PER_ELEMENT));
  }

  /** Allocate and fill a region from a typed array; returns the offset. */
  copyIn(array: ArrayBufferView & { length: number; constructor: TypedArrayConstructor }): number {
    const Type = array.constructor;
    const offset = this.allocArray(Type, array.length);
    (this.view(Type, offset, array.length) as unknown as { set(a: unknown): void }).set(array);
    return offset;
  }
}

/**
 * Instantiate the kernel module against a memory with nothing but `env.memory`: the same call a
 * foreign host makes (assembly/ABI.md).
 */
export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
