// Valid but unusual operands, large inputs, determinism across runs and processes, and the
// module's behaviour at the limits of WebAssembly memory.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initSync, type FloatArray, type ModuleTensor, type Posenc } from '../../src/index.js';
import { Posenc as PosencClass } from '../../src/api/posenc.js';
import { loadWasmBackendSync } from '../../src/api/backends.js';
import { describeBackends, firstByteDiff, rng } from '../support/backends.js';
import { bundlePosenc, type Bundle } from '../support/bundle.js';
import { churn, hashAll, randomArray } from '../support/determinism.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** A copy of `a` in a fresh buffer of the given kind, starting `lead` elements in. */
function placed(a: FloatArray, kind: 'plain' | 'shared', lead = 0): FloatArray {
  const C = a.constructor as Ctor;
  const bytes = (a.length + lead + 3) * C.BYTES_PER_ELEMENT;
  const buf = kind === 'shared' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const v = new C(buf as ArrayBuffer, lead * C.BYTES_PER_ELEMENT, a.length);
  v.set(a);
  return v;
}

/** The bytes around a view (its lead and tail) are what they were: nothing written outside it. */
function surroundingsUntouched(v: FloatArray, fill: number): boolean {
  const C = v.constructor as Ctor;
  const all = new C(v.buffer as ArrayBuffer);
  const lo = v.byteOffset / C.BYTES_PER_ELEMENT;
  for (let i = 0; i < all.length; i++) if ((i < lo || i >= lo + v.length) && !Object.is(all[i], fill)) return false;
  return true;
}

describeBackends('SharedArrayBuffer-backed operands', (pe) => {
  for (const f64 of [false, true]) {
    const dtype = f64 ? 'float64' : 'float32';
    it(`${dtype}: x, out, table and positions in SharedArrayBuffers give the bytes of plain arrays`, () => {
      const [b, l, d] = [3, 17, 24];
      const x = randomArray(b * l * d, f64, 1);
      const table = randomArray(40 * d, f64, 2);
      const positions = Float64Array.from({ length: l }, (_, i) => (i * 7919) % 40);
      const sx = placed(x, 'shared', 1);
      const st = placed(table, 'shared', 2);
      const sp = new Float64Array(new SharedArrayBuffer(8 * l));
      sp.set(positions);

      expect(firstByteDiff(pe().add(sx, { shape: [b, l, d], scale: 3, offset: 5 }), pe().add(x, { shape: [b, l, d], scale: 3, offset: 5 }))).toBe(-1);
      expect(firstByteDiff(pe().add(sx, { shape: [b, l, d], encoding: st, positions: sp }), pe().add(x, { shape: [b, l, d], encoding: table, positions }))).toBe(-1);
      expect(firstByteDiff(
        pe().concat(sx, { shape: [b, l, d], encoding: { table: st, dim: d }, positions: sp }),
        pe().concat(x, { shape: [b, l, d], encoding: { table, dim: d }, positions }),
      )).toBe(-1);
      const sPos = pe().sinusoidal({ dim: d, positions: sp, dtype });
      expect(firstByteDiff(sPos, pe().sinusoidal({ dim: d, positions, dtype }))).toBe(-1);

      // out in a SharedArrayBuffer, and in place on one
      const so = placed(new (x.constructor as Ctor)(x.length), 'shared', 3);
      expect(pe().add(x, { shape: [b, l, d], scale: 2, out: so })).toBe(so);
      const want = pe().add(x, { shape: [b, l, d], scale: 2 });
      expect(firstByteDiff(so, want)).toBe(-1);
      pe().add(sx, { shape: [b, l, d], scale: 2, out: sx });
      expect(firstByteDiff(sx, want)).toBe(-1);
      const sTable = placed(new (x.constructor as Ctor)(l * d), 'shared');
      pe().sinusoidal({ dim: d, length: l, offset: 9, dtype, out: sTable });
      expect(firstByteDiff(sTable, pe().sinusoidal({ dim: d, length: l, offset: 9, dtype }))).toBe(-1);
      // the shared inputs were only read
      expect(firstByteDiff(st, table)).toBe(-1);
      expect(Array.from(sp)).toEqual(Array.from(positions));
    });
  }
});

describeBackends('subarrays at every byteOffset', (pe) => {
  for (const f64 of [false, true]) {
    const dtype = f64 ? 'float64' : 'float32';
    const C: Ctor = f64 ? Float64Array : Float32Array;
    it(`${dtype}: x, out and table views starting at every element boundary (0..15 elements in)`, () => {
      const [b, l, d] = [2, 9, 13];
      const n = b * l * d;
      const x = randomArray(n, f64, 3);
      const table = randomArray(30 * d, f64, 4);
      const wantAdd = pe().add(x, { shape: [b, l, d], encoding: table, offset: 4, scale: 0.5 });
      const wantSin = pe().add(x, { shape: [b, l, d], scale: 0.5, positions: [0, 1, 2, 3, 4, 100, 1e5 + 0.5, 7, 8] });
      const wantCat = pe().concat(x, { shape: [b, l, d], encoding: { dim: 6, preset: 'marian' }, offset: 2 });
      const wantTab = pe().sinusoidal({ dim: d, length: l, offset: 3, dtype });
      for (let lead = 0; lead < 16; lead++) {
        const vx = placed(x, lead % 2 ? 'shared' : 'plain', lead);
        const vt = placed(table, 'plain', 15 - lead);
        const fillOut = (len: number) => {
          const o = placed(new C(len), 'plain', lead);
          new C(o.buffer as ArrayBuffer).fill(-7);
          return o;
        };
        const o1 = fillOut(n);
        pe().add(vx, { shape: [b, l, d], encoding: vt, offset: 4, scale: 0.5, out: o1 });
        expect(firstByteDiff(o1, wantAdd), `add, lead ${lead}`).toBe(-1);
        expect(surroundingsUntouched(o1, -7), `add wrote outside out, lead ${lead}`).toBe(true);
        const o2 = fillOut(n);
        pe().add(vx, { shape: [b, l, d], scale: 0.5, positions: [0, 1, 2, 3, 4, 100, 1e5 + 0.5, 7, 8], out: o2 });
        expect(firstByteDiff(o2, wantSin), `add sinusoidal, lead ${lead}`).toBe(-1);
        const o3 = fillOut(b * l * (d + 6));
        pe().concat(vx, { shape: [b, l, d], encoding: { dim: 6, preset: 'marian' }, offset: 2, out: o3 });
        expect(firstByteDiff(o3, wantCat), `concat, lead ${lead}`).toBe(-1);
        expect(surroundingsUntouched(o3, -7), `concat wrote outside out, lead ${lead}`).toBe(true);
        const o4 = fillOut(l * d);
        pe().sinusoidal({ dim: d, length: l, offset: 3, dtype, out: o4 });
        expect(firstByteDiff(o4, wantTab), `sinusoidal, lead ${lead}`).toBe(-1);
        expect(surroundingsUntouched(o4, -7), `sinusoidal wrote outside out, lead ${lead}`).toBe(true);
        expect(firstByteDiff(vx, x)).toBe(-1);
        expect(firstByteDiff(vt, table)).toBe(-1);
      }
    });

    it(`${dtype}: views into module tensors at every element offset (x, out, table)`, () => {
      const [b, l, d] = [2, 5, 12];
      const n = b * l * d;
      const x = randomArray(n, f64, 5);
      const table = randomArray(8 * d, f64, 6);
      const want = pe().add(x, { shape: [b, l, d], encoding: table, offset: 1, scale: 2 });
      const wantCat = pe().concat(x, { shape: [b, l, d], encoding: { dim: 4 }, offset: 1 });
      const tx = pe().alloc(n + 16, dtype);
      const to = pe().alloc(b * l * (d + 4) + 16, dtype);
      const tt = pe().alloc(8 * d + 16, dtype);
      try {
        for (let lead = 0; lead < 16; lead++) {
          tx.array.fill(-7);
          to.array.fill(-7);
          tx.array.set(x, lead);
          tt.array.set(table, 15 - lead);
          // views are created after every allocation: growth would detach them
          const vx = tx.array.subarray(lead, lead + n);
          const vo = to.array.subarray(lead, lead + n);
          pe().add(vx, { shape: [b, l, d], encoding: tt.array.subarray(15 - lead, 15 - lead + 8 * d), offset: 1, scale: 2, out: vo });
          expect(firstByteDiff(to.array.subarray(lead, lead + n), want), `add, lead ${lead}`).toBe(-1);
          expect(surroundingsUntouched(to.array.slice(0, lead) as FloatArray, -7)).toBe(true);
          expect(Array.from(to.array.subarray(lead + n, lead + n + 4)).every((v) => v === -7)).toBe(true);
          pe().add(tx.array.subarray(lead, lead + n), { shape: [b, l, d], encoding: table, offset: 1, scale: 2, out: tx.array.subarray(lead, lead + n) });
          expect(firstByteDiff(tx.array.subarray(lead, lead + n), want), `add in place, lead ${lead}`).toBe(-1);
          tx.array.set(x, lead);
          const m = b * l * (d + 4);
          pe().concat(tx.array.subarray(lead, lead + n), { shape: [b, l, d], encoding: { dim: 4 }, offset: 1, out: to.array.subarray(lead, lead + m) });
          expect(firstByteDiff(to.array.subarray(lead, lead + m), wantCat), `concat, lead ${lead}`).toBe(-1);
          expect(Array.from(to.array.subarray(0, lead)).every((v) => v === -7)).toBe(true);
        }
      } finally {
        tx.free();
        to.free();
        tt.free();
      }
    });
  }
});

describeBackends('out === x', (pe) => {
  it('in place on every kind of operand gives the bytes of a separate out', () => {
    const [b, l, d] = [3, 11, 20];
    const n = b * l * d;
    for (const f64 of [false, true]) {
      const dtype = f64 ? 'float64' : 'float32';
      const C: Ctor = f64 ? Float64Array : Float32Array;
      const x = randomArray(n, f64, 8);
      const table = randomArray(20 * d, f64, 9);
      type Out = FloatArray | ModuleTensor;
      const calls: [string, (v: Out, out: Out) => unknown][] = [
        ['sinusoidal', (v, out) => pe().add(v, { shape: [b, l, d], scale: -1.5, offset: 0.25, out })],
        ['per-batch positions', (v, out) => pe().add(v, { shape: [b, l, d], positions: Array.from({ length: b * l }, (_, i) => i * 31.5), out })],
        ['table', (v, out) => pe().add(v, { shape: [b, l, d], encoding: table, offset: 3, scale: 2, out })],
        ['table positions', (v, out) => pe().add(v, { shape: [b, l, d], encoding: { table }, positions: Array.from({ length: l }, (_, i) => 19 - i), out })],
      ];
      for (const [name, call] of calls) {
        // Reference: a separate out; x is left alone.
        const xs = x.slice();
        const ref = new C(n);
        call(xs, ref);
        expect(firstByteDiff(xs, x)).toBe(-1);
        const inPlace = (v: FloatArray | ModuleTensor, read: () => FloatArray, what: string, out: Out = v) => {
          expect(call(v, out), `${dtype} ${name} ${what}: returns out`).toBe(out);
          expect(firstByteDiff(read(), ref), `${dtype} ${name} ${what}`).toBe(-1);
        };
        const plain = x.slice();
        inPlace(plain, () => plain, 'plain array');
        const shared = placed(x, 'shared', 5);
        inPlace(shared, () => shared, 'SharedArrayBuffer at an offset');
        // a second typed-array object over the very same bytes
        const alias = placed(x, 'plain', 2);
        inPlace(alias, () => alias, 'twin view', new C(alias.buffer as ArrayBuffer, alias.byteOffset, alias.length));
        const t = pe().alloc(n, dtype);
        const big = pe().alloc(n + 3, dtype);
        try {
          t.array.set(x);
          inPlace(t, () => t.array, 'module tensor');
          t.array.set(x);
          inPlace(t, () => t.array, 'module tensor, out its view', t.array);
          big.array.set(x, 3);
          const view = big.array.subarray(3);
          inPlace(view, () => big.array.subarray(3), 'view into a module tensor');
        } finally {
          t.free();
          big.free();
        }
      }
    }
  });
});

/** fl(fl(s·x) + pe) as posenc rounds it, in x's dtype. */
function addElem(x: number, s: number, pe: number, f64: boolean): number {
  return f64 ? x * s + pe : Math.fround(Math.fround(x * Math.fround(s)) + pe);
}

describe('inputs larger than the scratch window stream through it with bounded memory', () => {
  for (const backend of ['wasm-simd', 'wasm'] as const) {
    it(`${backend}: every streaming path (≈ 16–32 MB each) adds < 2 MiB of module memory; sampled rows exact`, () => {
      const pe = initSync({ backend });
      pe.sinusoidal({ dim: 8, length: 1 }); // the instance's fixed scratch exists
      const before = pe.memoryBytes;
      const r = rng(21);
      const checks: (() => void)[] = [];

      // add, sinusoidal encoding, per-batch positions, a batch too large for one window row
      {
        const [b, l, d] = [256, 32, 512]; // one row across the batch = 512 KiB > the window
        const x = randomArray(b * l * d, false, 22) as Float32Array;
        const positions = Float64Array.from({ length: b * l }, () => Math.floor(r() * 5e6) + (r() < 0.3 ? 0.5 : 0));
        const y = pe.add(x, { shape: [b, l, d], positions, scale: 1.5 });
        checks.push(() => {
          for (let k = 0; k < 40; k++) {
            const i = Math.floor(r() * b * l);
            const row = pe.sinusoidal({ dim: d, positions: [positions[i]] });
            for (let j = 0; j < d; j += 7) expect(y[i * d + j]).toBe(addElem(x[i * d + j], 1.5, row[j], false));
          }
        });
      }
      // add, a plain table gathered per chunk, per-batch positions, float64
      {
        const [b, l, d] = [4, 1024, 512];
        const x = randomArray(b * l * d, true, 23) as Float64Array;
        const table = randomArray(3000 * d, true, 24) as Float64Array;
        const positions = Int32Array.from({ length: b * l }, () => Math.floor(r() * 3000));
        const y = pe.add(x, { shape: [b, l, d], encoding: table, positions, scale: -2 });
        checks.push(() => {
          for (let k = 0; k < 40; k++) {
            const i = Math.floor(r() * b * l);
            for (let j = 0; j < d; j += 5) expect(y[i * d + j]).toBe(addElem(x[i * d + j], -2, table[positions[i] * d + j], true));
          }
        });
      }
      // concat, sinusoidal encoding, shared real positions
      {
        const [b, l, d, w] = [8, 2048, 200, 56];
        const x = randomArray(b * l * d, false, 25) as Float32Array;
        const positions = Float64Array.from({ length: l }, () => r() * 1e6);
        const y = pe.concat(x, { shape: [b, l, d], encoding: { preset: 'tensor2tensor', dim: w }, positions });
        checks.push(() => {
          for (let k = 0; k < 40; k++) {
            const bi = Math.floor(r() * b);
            const ri = Math.floor(r() * l);
            const o = (bi * l + ri) * (d + w);
            const row = pe.sinusoidal({ preset: 'tensor2tensor', dim: w, positions: [positions[ri]] });
            expect(firstByteDiff(y.subarray(o, o + d), x.subarray((bi * l + ri) * d, (bi * l + ri + 1) * d))).toBe(-1);
            expect(firstByteDiff(y.subarray(o + d, o + d + w), row)).toBe(-1);
          }
        });
      }
      // concat, a plain table with an offset
      {
        const [b, l, d, w] = [2, 4096, 256, 256];
        const x = randomArray(b * l * d, false, 26) as Float32Array;
        const table = randomArray((l + 10) * w, false, 27) as Float32Array;
        const y = pe.concat(x, { shape: [b, l, d], encoding: { table, dim: w }, offset: 10 });
        checks.push(() => {
          for (let k = 0; k < 40; k++) {
            const i = Math.floor(r() * b * l);
            const ri = i % l;
            expect(firstByteDiff(y.subarray(i * (d + w) + d, (i + 1) * (d + w)), table.subarray((ri + 10) * w, (ri + 11) * w))).toBe(-1);
          }
        });
      }
      // a table with explicit positions into a plain out
      {
        const positions = Float64Array.from({ length: 20000 }, () => r() * 1e7);
        const t = pe.sinusoidal({ dim: 384, positions, preset: 'whisper' });
        checks.push(() => {
          for (let k = 0; k < 20; k++) {
            const i = Math.floor(r() * positions.length);
            expect(firstByteDiff(t.subarray(i * 384, (i + 1) * 384), pe.sinusoidal({ dim: 384, positions: [positions[i]], preset: 'whisper' }))).toBe(-1);
          }
        });
      }
      expect(pe.memoryBytes - before).toBeLessThan(2 * 2 ** 20);
      for (const check of checks) check();
    });
  }
});

describe('determinism', () => {
  let bundle: Bundle;
  beforeAll(async () => {
    bundle = await bundlePosenc();
  });
  afterAll(() => bundle?.dispose());

  it('the same bytes on repeated runs, whatever ran in between (caches evicted, window grown)', () => {
    for (const backend of ['wasm-simd', 'wasm', 'js'] as const) {
      const pe = initSync({ backend });
      const first = hashAll(pe);
      churn(pe, 1);
      expect(hashAll(pe), backend).toEqual(first);
      churn(pe, 2);
      expect(hashAll(pe), backend).toEqual(first);
    }
  });

  it('the same bytes from the SIMD and the scalar binary, for every kind of call', () => {
    const simd = hashAll(initSync({ backend: 'wasm-simd' }));
    expect(Object.keys(simd).length).toBeGreaterThan(30);
    expect(hashAll(initSync({ backend: 'wasm' }))).toEqual(simd);
  });

  it('the same bytes in a fresh node process (a bundle of src/, no vitest)', () => {
    const script = `
      const m = await import(${JSON.stringify(bundle.url)});
      const out = {};
      for (const backend of ['wasm-simd', 'wasm', 'js']) out[backend] = m.hashAll(m.initSync({ backend }));
      process.stdout.write(JSON.stringify(out));`;
    const child = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 }));
    for (const backend of ['wasm-simd', 'wasm', 'js'] as const) {
      expect(child[backend], backend).toEqual(hashAll(initSync({ backend })));
    }
  });

  it('a position has the same bits whatever else is in the call (order, repeats, neighbours)', () => {
    for (const backend of ['wasm-simd', 'wasm', 'js'] as const) {
      const pe = initSync({ backend });
      const ps = [5, 1e6 + 0.5, 5, 300, 257, 5, -3.75, 1e6 + 0.5];
      const t = pe.sinusoidal({ dim: 40, positions: ps });
      for (let i = 0; i < ps.length; i++) {
        expect(firstByteDiff(t.subarray(i * 40, (i + 1) * 40), pe.sinusoidal({ dim: 40, positions: [ps[i]] })), `${backend} row ${i}`).toBe(-1);
      }
    }
  });
});

describe('at the limits of WebAssembly memory (private scalar instances, released afterwards)', () => {
  const fresh = () => new PosencClass(loadWasmBackendSync('scalar')) as Posenc;
  const MiB = 2 ** 20;

  it('cached frequency contexts are bounded in bytes, not only in number', () => {
    const pe = fresh();
    // 40 distinct encodings of dim 2^18 (≈ 108 MB of context each, mostly untouched): 32 cached
    // would be 3.4 GB. (The allocator grows memory by doubling it, so the bound is loose.)
    for (let i = 0; i < 40; i++) pe.sinusoidal({ dim: 2 ** 18, length: 1, base: 1000 + i });
    expect(pe.memoryBytes).toBeLessThan(2 ** 30);
  });

  it('a dim beyond 2^20 (whose frequency tables could not fit in one block) is a RangeError, at once', () => {
    const pe = fresh();
    const t0 = performance.now();
    expect(() => pe.sinusoidal({ dim: 1_400_000, length: 1 })).toThrow(/^posenc\.sinusoidal: options\.dim must be an integer in \[1, 1048576\], got 1400000/);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(pe.sinusoidal({ dim: 8, length: 2 })[8]).toBe(Math.fround(Math.sin(1)));
  });

  // These touch gigabytes of memory (tensors are zero-filled): run with POSENC_HEAVY=1.
  const heavy = it.skipIf(!process.env.POSENC_HEAVY);

  heavy('a tensor of 2^29 bytes or more after freeing a slightly smaller one (allocator size classes)', () => {
    const pe = fresh();
    const a = pe.alloc((706 * MiB) / 4);
    a.free();
    const before = pe.memoryBytes;
    // The free block (all of memory but ≈ 14 KB) and this request, 1 MiB larger, share the
    // allocator's 32 MiB size class: unrounded, the allocator took the block, trapped splitting it
    // and lost it (RangeError, then even 100 MiB failed without growing memory).
    const free = before - 14_000;
    const request = Math.min((Math.floor(free / 2 ** 25) + 1) * 2 ** 25 - 4096, free + MiB);
    expect(Math.floor(request / 2 ** 25)).toBe(Math.floor(free / 2 ** 25));
    const b = pe.alloc(Math.floor(request / 4));
    b.array[b.length - 1] = 3;
    expect(b.array[b.length - 1]).toBe(3);
    b.free();
    const c = pe.alloc((100 * MiB) / 4);
    c.free();
    expect(pe.memoryBytes).toBeLessThanOrEqual(2 * before + 64 * MiB);
  });

  heavy('memory beyond 2 GiB is usable; filling all 4 GiB gives a RangeError; the instance keeps working', () => {
    const pe = fresh();
    const small = pe.sinusoidal({ dim: 16, length: 4, offset: 9 });
    const held: ModuleTensor[] = [];
    try {
      held.push(pe.alloc((900 * MiB) / 4), pe.alloc((900 * MiB) / 4), pe.alloc((400 * MiB) / 4));
      const t = pe.alloc(2 ** 22); // 16 MiB, above 2 GiB
      held.push(t);
      expect(t.array.byteOffset).toBeGreaterThanOrEqual(2 ** 31);
      pe.sinusoidal({ dim: 16, length: 4, offset: 9, out: t.array.subarray(0, 64) as Float32Array });
      expect(firstByteDiff(t.array.subarray(0, 64), small)).toBe(-1);
      pe.add(t, { shape: [2 ** 18, 16], out: t, scale: 0 }); // resident, in place, above 2 GiB
      expect(firstByteDiff(t.array.subarray(0, 64), pe.sinusoidal({ dim: 16, length: 4 }))).toBe(-1);
      expect(firstByteDiff(t.array.subarray(2 ** 22 - 16), pe.sinusoidal({ dim: 16, length: 1, offset: 2 ** 18 - 1 }))).toBe(-1);
      // Fill the rest: the failure is posenc's RangeError.
      let err: unknown;
      for (let i = 0; i < 8 && !err; i++) {
        try {
          held.push(pe.alloc((900 * MiB) / 4));
        } catch (e) {
          err = e;
        }
      }
      expect(err).toBeInstanceOf(RangeError);
      expect((err as Error).message).toMatch(/^posenc\.alloc/);
      expect(firstByteDiff(pe.sinusoidal({ dim: 16, length: 4, offset: 9 }), small)).toBe(-1);
    } finally {
      for (const t of held) t.free();
    }
  });

  heavy('memory held only by cached contexts is given back when a tensor needs it', () => {
    const pe = fresh();
    // Two contexts cached (≈ 1.07 GB), then eight 480 MiB tensors (4 GB): they fit only if the
    // cache gives its memory back (six fit beside it; the allocator's size classes make a 480 MiB
    // tensor the largest that fits where a 537 MB context was).
    pe.sinusoidal({ dim: 1_300_000, length: 1 });
    pe.sinusoidal({ dim: 1_300_000, length: 1, base: 500 });
    const again: ModuleTensor[] = [];
    try {
      for (let i = 0; i < 8; i++) again.push(pe.alloc((480 * MiB) / 4));
    } finally {
      for (const t of again) t.free();
    }
    expect(again).toHaveLength(8);
    expect(pe.sinusoidal({ dim: 8, length: 2 })[8]).toBe(Math.fround(Math.sin(1)));
  });
});

describe('float32-angle contexts are bounded like the exact ones', () => {
  it('120 encodings of dim ≈ 2^20: module memory reaches a steady size and stays there', () => {
    const pe = new PosencClass(loadWasmBackendSync('simd')) as Posenc; // private: its memory starts small
    for (let i = 0; i < 40; i++) pe.sinusoidal({ length: 1, dim: 2 ** 20 - 2 * i, float32Angles: true });
    const steady = pe.memoryBytes;
    for (let i = 40; i < 120; i++) pe.sinusoidal({ length: 1, dim: 2 ** 20 - 2 * i, float32Angles: true });
    expect(pe.memoryBytes).toBe(steady);
    // Contexts of 4 MiB: at most 64 MiB of them beyond the two newest (the allocator grows memory
    // by doubling, so the memory itself ends at 142 MiB).
    expect(steady).toBeLessThan(150 * 2 ** 20);
  });
});
