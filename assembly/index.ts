// neuromesh kernels: the module's whole export list. The ABI (numbers and byte offsets into the
// one imported shared memory, nothing else) is documented in assembly/ABI.md.

/** First byte above the module's static data: the host's arena starts at or above it. */
export function heap_base(): usize {
  return __heap_base;
}
export * from './kernels/lif';
