// Implementations of posenc itself (per backend and per memory mode) and the physical references
// (copy, allocation). An impl is
//   { key, label, kind: 'posenc'|'baseline'|'peer'|'ref'|'external', mode, setup(), before?(),
//     unavailable?: reason }
// where setup() returns { run(), result?(), dispose?() } (run may be async; result() gives the
// output of the last run, for the check that precedes timing).

export const MODE_LABEL = {
  resident: 'module tensors',
  out: 'Float32Array → given out',
  new: 'Float32Array → new array',
  table: 'module tensors, precomputed table',
  inplace: 'module tensor, in place (out = x)',
};

/** The extra instances for steady-state and thread rows (bench/run.mjs): short key → [instance name, label]. */
const VARIANTS = {
  cold: ['wasm-simd cold', 'posenc wasm-simd, first call (no cached rows)'],
  '2t': ['wasm-simd 2t', 'posenc wasm-simd, 2 threads'],
  autot: ['wasm-simd auto', "posenc wasm-simd, threads 'auto'"],
};

function posencImpl(ctx, backend, short, label, mode, kind, make) {
  const key = backend === 'js' ? `js-${mode}` : `posenc-${short}-${mode}`;
  const pe = ctx.posenc[backend];
  const full = `${label} · ${MODE_LABEL[mode] ?? mode}`;
  const m = mode === 'new' ? 'new array' : mode === 'out' ? 'into out' : mode;
  if (typeof pe === 'string' || !pe) return { key, label: full, kind, mode: m, unavailable: pe || `backend ${backend} not loaded` };
  return { key, label: full, kind, mode: m, setup: () => make(pe) };
}

/**
 * The posenc rows of one op: wasm-simd into module tensors (the primary row, checked first; every
 * other row is compared with it), into a given Float32Array, returning a new array, then `extra`
 * wasm-simd modes, scalar wasm into module tensors and the js baseline into a given Float32Array.
 * `call(pe, x, out)` performs the call (x: module tensor, Float32Array or null for tables; out:
 * module tensor, Float32Array, or undefined for a new array) and returns the result.
 */
export function posencImpls(ctx, { x, outLength, call, extra = [], cold = false }) {
  const rows = [];
  const resident = (pe) => {
    const xt = x ? pe.alloc(x.length) : null;
    if (xt) xt.array.set(x);
    const ot = pe.alloc(outLength);
    return {
      run: () => call(pe, xt, ot),
      result: () => ot.array,
      dispose: () => { xt?.free(); ot.free(); },
    };
  };
  const intoOut = (pe) => {
    const out = new Float32Array(outLength);
    return { run: () => call(pe, x, out), result: () => out };
  };
  const fresh = (pe) => {
    let last = null;
    return { run: () => { last = call(pe, x, undefined); }, result: () => last };
  };
  rows.push(posencImpl(ctx, 'wasm-simd', 'simd', 'posenc wasm-simd', 'resident', 'posenc', resident));
  rows.push(posencImpl(ctx, 'wasm-simd', 'simd', 'posenc wasm-simd', 'out', 'posenc', intoOut));
  rows.push(posencImpl(ctx, 'wasm-simd', 'simd', 'posenc wasm-simd', 'new', 'posenc', fresh));
  for (const e of extra) rows.push(posencImpl(ctx, 'wasm-simd', 'simd', 'posenc wasm-simd', e.mode, 'posenc', e.make));
  // Steady-state and thread rows, module tensors: the first call (no cached rows: ops that cache, `cold`), and
  // 2 and 'auto' threads (keys posenc-simd-cold-resident, posenc-simd-2t-resident, posenc-simd-autot-resident).
  for (const [short, [name, label]] of Object.entries(VARIANTS)) {
    if (short === 'cold' && !cold) continue;
    const pe = ctx.posenc[name];
    const threads = pe && typeof pe === 'object' ? ` (${pe.threads} in use)` : '';
    rows.push(posencImpl(ctx, name, `simd-${short}`, label + (short === 'cold' ? '' : threads), 'resident', 'posenc', resident));
  }
  rows.push(posencImpl(ctx, 'wasm', 'wasm', 'posenc wasm (scalar)', 'resident', 'posenc', resident));
  rows.push(posencImpl(ctx, 'js', 'js', 'posenc js (baseline)', 'out', 'baseline', intoOut));
  return rows;
}

/** Float32Array.prototype.set of the same number of bytes (both arrays allocated and touched). */
export function copyImpl(elements) {
  return {
    key: 'copy', label: 'Float32Array.set (copy, same bytes)', kind: 'ref', mode: 'into out',
    setup() {
      const src = new Float32Array(elements).fill(1.5);
      const dst = new Float32Array(elements).fill(0);
      return { run: () => dst.set(src) };
    },
  };
}

/**
 * A half of some work on one worker woken through Atomics as posenc's pool is: `body` is the
 * source of a function of workerData that the worker runs once per call of the returned `both`,
 * while the caller runs its own half `local`. `dispose` ends the worker.
 */
async function halvesOnTwoThreads(body, workerData) {
  const { Worker } = await import('node:worker_threads');
  const i32 = new Int32Array(new SharedArrayBuffer(8));
  const w = new Worker(`
    const { workerData } = require('node:worker_threads');
    const c = new Int32Array(workerData.ctrl);
    const work = (${body})(workerData);
    let gen = 0;
    for (;;) {
      Atomics.wait(c, 0, gen);
      gen = Atomics.load(c, 0);
      if (gen < 0) break;
      work();
      Atomics.add(c, 1, 1);
      Atomics.notify(c, 1);
    }`, { eval: true, workerData: { ...workerData, ctrl: i32.buffer } });
  w.unref();
  return {
    both(local) {
      const done = Atomics.load(i32, 1);
      Atomics.add(i32, 0, 1);
      Atomics.notify(i32, 0);
      local();
      while (Atomics.load(i32, 1) === done) Atomics.wait(i32, 1, done, 50);
    },
    async dispose() {
      Atomics.store(i32, 0, -1);
      Atomics.notify(i32, 0);
      await w.terminate();
    },
  };
}

/**
 * The memory ceiling of 2 threads for a kernel that streams `elements` float32 values in and out:
 * the copy of copyImpl, split in halves between this thread and one worker (shared buffers).
 * time(copy) / time(copy-2t) is what 2 threads can give a memory-bound kernel at that moment (on
 * this 2-core VM ≈ 1.4×, where the CPU-bound ceiling is ≈ 1.8×).
 */
export function copy2tImpl(elements) {
  return {
    key: 'copy-2t', label: 'Float32Array.set (copy, same bytes), halves on 2 threads', kind: 'ref', mode: 'into out',
    async setup() {
      const src = new Float32Array(new SharedArrayBuffer(elements * 4)).fill(1.5);
      const dst = new Float32Array(new SharedArrayBuffer(elements * 4));
      const half = elements >> 1;
      const pair = await halvesOnTwoThreads(
        '({ src, dst, half }) => { const a = new Float32Array(src).subarray(half), b = new Float32Array(dst); return () => b.set(a, half); }',
        { src: src.buffer, dst: dst.buffer, half });
      const lower = src.subarray(0, half);
      const copyLower = () => dst.set(lower);
      return { run: () => pair.both(copyLower), dispose: pair.dispose };
    },
  };
}

/** new Float32Array(n) and its first touch (one write per 4 KiB page). */
export function allocImpl(elements) {
  return {
    key: 'alloc', label: 'new Float32Array + first touch', kind: 'ref', mode: 'new array',
    setup() {
      let keep = null;
      return {
        run() {
          const a = new Float32Array(elements);
          for (let i = 0; i < elements; i += 1024) a[i] = 1;
          keep = a;
        },
        dispose: () => { keep = null; },
      };
    },
  };
}

/**
 * The machine's parallel ceiling now: a CPU-bound loop of `iterations` steps on this
 * thread ('ceiling-1t'), and the same loop split in halves between this thread and one worker
 * woken through Atomics as posenc's pool is ('ceiling-2t'). Timed interleaved with the posenc rows,
 * time(ceiling-1t) / time(ceiling-2t) is the most that 2 threads could give at that moment (1.0
 * to 2.0 on a 2-core VM, less when other processes hold the cores).
 */
export async function ceilingImpls(iterations = 400_000) {
  const loop = `(n) => { let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i) * 1.0000001; return s; }`;
  const pair = await halvesOnTwoThreads(`({ n }) => { const work = ${loop}; return () => work(n); }`, { n: iterations / 2 });
  const work = eval(loop); // eslint-disable-line no-eval
  const half = () => work(iterations / 2);
  return [
    { key: 'ceiling-1t', label: 'parallel ceiling: CPU-bound loop, 1 thread', kind: 'ref', mode: 'ref', setup: () => ({ run: () => work(iterations) }) },
    { key: 'ceiling-2t', label: 'parallel ceiling: the same loop split over 2 threads', kind: 'ref', mode: 'ref', setup: () => ({ run: () => pair.both(half) }) },
  ];
}
