// Raw memory for the JS side: module tensors, the scratch window and kernel contexts.
// Everything is allocated above __heap_base by the runtime's TLSF allocator, so the static
// data below it (the math tables of NativeMath) is never touched.

/** Allocates `bytes` bytes (16-byte aligned) and returns the pointer; 0 never comes back. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

/** Returns a block obtained from `alloc` to the allocator. */
export function free(ptr: usize): void {
  heap.free(ptr);
}

/** First byte that the allocator manages; nothing below it may be written from JS. */
export function heapBase(): usize {
  return __heap_base;
}
