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
export function posencImpls(ctx, { x, outLength, call, extra = [] }) {
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
