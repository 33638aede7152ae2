import { expect, it } from 'vitest';
import { initSync } from '../../src/index.js';
import { describeBackends, firstByteDiff } from '../support/backends.js';
import { loadWasmCoreSync, wasmBase } from '../../src/runtime/wasm-core.js';
import type { Tensor } from '../../src/core/tensor.js';

describeBackends('memory', (pe, backend) => {
  const wasm = backend !== 'js';

  it('plain arrays larger than the module memory stream through a bounded window', () => {
    const before = pe().memoryBytes;
    const [b, l, d] = [4, 2048, 1024]; // 32 MiB
    const x = new Float32Array(b * l * d).fill(0.25);
    const y = pe().add(x, { shape: [b, l, d], scale: 2 });
    expect(y[1]).toBe(0.5 + 1); // cos(0) + 2·0.25
    const t = pe().sinusoidal({ length: 8192, dim: 1024 });
    expect(t.length).toBe(8192 * 1024);
    if (wasm) {
      expect(pe().memoryBytes).toBeLessThan(before + 8 * 2 ** 20);
      expect(pe().memoryBytes).toBeLessThan(32 * 2 ** 20);
    }
  });

  it('repeated calls do not grow memory (10^5 calls, module tensors and plain arrays)', () => {
    const t = pe().alloc(2 * 16 * 32);
    const tbl = pe().alloc(64 * 32);
    const x = new Float32Array(2 * 16 * 32).fill(1);
    const out = new Float32Array(x.length);
    const pass = () => {
      for (let i = 0; i < 100_000; i++) {
        switch (i % 4) {
          case 0: pe().add(t, { shape: [2, 16, 32], out: t, offset: i % 3000 }); break;
          case 1: pe().add(x, { shape: [2, 16, 32], out, encoding: tbl, offset: i % 48 }); break;
          case 2: pe().sinusoidal({ length: 16, dim: 32, out: t.array.subarray(0, 512) as Float32Array, offset: i }); break;
          default: pe().concat(x.subarray(0, 16 * 16), { shape: [1, 16, 16], out: out.subarray(0, 512), encoding: { dim: 16 }, positions: [i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] });
        }
      }
    };
    // The first pass may grow the ranged rows of its two encodings as positions pass their end
    // (within the cache budget); the same calls again allocate nothing.
    pass();
    const before = pe().memoryBytes;
    const cached = pe().cachedBytes;
    pass();
    expect(pe().memoryBytes).toBe(before);
    expect(pe().cachedBytes).toBe(cached);
    expect(cached).toBeLessThanOrEqual(pe().cacheBytes);
    t.free();
    tbl.free();
  });

  it('10^5 allocate/compute/free cycles keep memory bounded', () => {
    const before = pe().memoryBytes;
    for (let i = 0; i < 100_000; i++) {
      const t = pe().alloc(96 + (i % 7) * 32);
      pe().sinusoidal({ length: t.length / 32, dim: 32, out: t });
      t.free();
    }
    expect(pe().memoryBytes).toBeLessThanOrEqual(Math.max(before, 2 ** 20));
  });

  it('module tensors stay valid while memory grows; stale views are impossible through the API', () => {
    const a = pe().alloc(1024);
    a.array.set(pe().sinusoidal({ length: 16, dim: 64 }));
    const copy = a.array.slice();
    const big: { free(): void }[] = [];
    for (let i = 0; i < 4; i++) big.push(pe().alloc(4 * 2 ** 20)); // 64 MiB: memory grows
    expect(firstByteDiff(a.array, copy)).toBe(-1); // a fresh view, same bytes
    pe().add(a, { shape: [1, 16, 64], out: a });
    expect(a.array[1]).toBeCloseTo(copy[1] * 2, 6);
    for (const t of big) t.free();
    a.free();
    expect(a.freed).toBe(true);
    expect(() => a.array).toThrow(TypeError);
    a.free(); // idempotent
  });

  it('a request beyond what WebAssembly can address is a RangeError and the instance stays usable', () => {
    expect(() => pe().alloc(2 ** 30, 'float32')).toThrow(RangeError); // 4 GiB
    expect(pe().sinusoidal({ length: 2, dim: 2, dtype: 'float64' })[2]).toBe(Math.sin(1));
  });
});

it('a view into freed module memory is refused (it would corrupt the allocator)', () => {
  const pe = initSync({ backend: 'wasm-simd' });
  const t = pe.alloc(64);
  const view = t.array as Float32Array;
  t.free();
  expect(() => pe.add(view, { shape: [1, 2, 32] })).toThrow(/outside every live module tensor/);
  const live = pe.alloc(64);
  const sub = live.array.subarray(32) as Float32Array; // a view inside a live tensor is fine
  pe.sinusoidal({ length: 1, dim: 32, out: sub });
  expect(live.array[33]).toBe(1);
  live.free();
});

it('module tensors from 4 KiB to 1 MiB start at phases modulo 4 KiB: one after another 2 KiB apart, cached rows 1 KiB from every tensor (no 4K aliasing between x, out and rows); 16-byte aligned; the whole block freed', () => {
  const base = wasmBase('simd', loadWasmCoreSync('simd'));
  const apart = (a: Tensor, b: Tensor) => {
    const d = (((a.ptr - b.ptr) % 4096) + 4096) % 4096;
    return Math.min(d, 4096 - d);
  };
  for (const n of [1024, 4096, 2 ** 18]) {
    // Small tensors and a freed one first: the blocks are not at one phase.
    const small = [base.alloc(100, 'float32'), base.alloc(300, 'float32')];
    base.alloc(5000, 'float32').free();
    const ts = Array.from({ length: 6 }, () => base.alloc(n, 'float32'));
    const rows = Array.from({ length: 3 }, () => base.alloc(n, 'float32', true));
    for (let i = 0; i + 1 < ts.length; i++) expect(apart(ts[i], ts[i + 1]), `n ${n}, tensors ${i} and ${i + 1}`).toBe(2048);
    for (const r of rows) for (const t of ts) expect(apart(r, t)).toBe(1024);
    // A small tensor (no phase) or a large one between x and out does not change their turn.
    for (const between of [64, 2 ** 19]) {
      const x = base.alloc(n, 'float32');
      const b = base.alloc(between, 'float32');
      const out = base.alloc(n, 'float32');
      expect(apart(x, out), `${between} elements between`).toBe(2048);
      [x, b, out].forEach((t) => t.free());
    }
    for (const t of [...ts, ...rows]) {
      expect(t.ptr % 16).toBe(0);
      t.array.fill(1); // the whole tensor is writable
    }
    [...ts, ...rows, ...small].forEach((t) => t.free());
  }
  // Beyond 1 MiB the caller's tensors keep the allocator's placement (memory-bound kernels measured
  // faster so); cached rows of any size keep theirs.
  const big = Array.from({ length: 3 }, () => base.alloc(3 * 2 ** 20, 'float32', true));
  expect(apart(big[0], big[1])).toBe(2048);
  expect(apart(big[1], big[2])).toBe(2048);
  expect(big[0].ptr % 4096).toBe(1024 * (big[0].ptr % 4096 === 1024 ? 1 : 3));
  big.forEach((t) => t.free());
  // Blocks come back: alloc/free of staggered tensors does not grow memory.
  const pe = initSync({ backend: 'wasm-simd', cacheBytes: 2 ** 20 * 24 + 1 }); // an instance of its own
  const before = pe.memoryBytes;
  for (let i = 0; i < 2000; i++) pe.alloc(4096 + (i % 7) * 1024).free();
  expect(pe.memoryBytes).toBe(before);
});
