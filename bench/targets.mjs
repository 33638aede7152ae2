// The speed targets of the core tables and kernels, checked against one run. Each compares two rows of one case as
// time(slower) / time(faster) (the median of per-round ratios), or a recorded value to a limit.
import { BIAS_TARGETS } from './cases-bias.mjs';
import { MODEL_TARGETS } from './cases-model.mjs';
import { MROPE_TARGETS } from './cases-mrope.mjs';
import { ROPE_TARGETS } from './cases-rope.mjs';
import { DECODE_TARGETS, decodeMemoryTarget } from './cases-decode.mjs';
import { speedup } from './lib/harness.mjs';

const TABLES = ['table 2048x768', 'table 8192x1024'];
const ADDS = ['add 8x512x768', 'add 4x2048x1024'];
const ROPES = ['rope 1x32x2048x128 halves', 'rope 1x32x2048x128 interleaved'];

/**
 * Steady state (cached rows: the default instance's repeated call; the cold row has no
 * cache) and threads (2 and 'auto' against one, all module tensors).
 */
/** What 2 threads could give at that moment (bench/lib/impls.mjs ceilingImpls). */
const CEILING = { row: 'ceiling-2t', than: 'ceiling-1t' };
/** What 2 threads could give a memory-bound kernel at that moment (bench/lib/impls.mjs copy2tImpl). */
const MEM_CEILING = { row: 'copy-2t', than: 'copy' };
const STEADY_TARGETS = [
  { title: 'add, module tensors, steady state: within 1.6× of the copy', cases: ADDS, row: 'posenc-simd-resident', than: 'copy', max: 1.6, info: ['posenc-simd-cold-resident', 'posenc-simd-inplace'] },
  { title: 'add, module tensors, steady state: ≥ 1.5× faster than tfjs-backend-wasm resident', cases: ADDS, row: 'posenc-simd-resident', than: 'tfjs-wasm-resident', min: 1.5, info: ['posenc-simd-cold-resident'] },
  { title: 'add, Float32Array into out, steady state: ≥ 4× a plain-JS loop adding a cached table', cases: ADDS, row: 'posenc-simd-out', than: 'js-table-loop', min: 4 },
  { title: 'rope [1, 32, 2048, 128] halves, module tensors, steady state: within 1.3× of the copy', cases: [ROPES[0]], row: 'posenc-simd-resident', than: 'copy', max: 1.3, info: ['posenc-simd-cold-resident', 'ort-resident', 'ort-ms-resident'] },
  { title: 'rope [1, 32, 2048, 128] interleaved, module tensors, steady state: within 1.4× of the copy', cases: [ROPES[1]], row: 'posenc-simd-resident', than: 'copy', max: 1.4, info: ['posenc-simd-cold-resident', 'ort-resident', 'ort-ms-resident'] },
  { title: 'add [1, 16, 64] repeated, Float32Array into out: ≥ 2× a plain-JS loop adding a cached table', cases: ['overhead add 1x16x64'], row: 'posenc-simd-out', than: 'js-table-loop', min: 2, info: [{ row: 'posenc-simd-resident', than: 'js-table-loop' }] },
  { title: 'threads 2 vs 1: table 8192×1024 ≥ 1.6×', cases: ['table 8192x1024'], row: 'posenc-simd-2t-resident', than: 'posenc-simd-resident', min: 1.6, info: ['posenc-simd-autot-resident', CEILING] },
  { title: 'threads 2 vs 1: rope [1, 32, 2048, 128] ≥ 1.4×', cases: ROPES, row: 'posenc-simd-2t-resident', than: 'posenc-simd-resident', min: 1.4, info: ['posenc-simd-autot-resident', CEILING, MEM_CEILING] },
  { title: 'threads 2 vs 1: add [4, 2048, 1024] steady state ≥ 1.15×', cases: ['add 4x2048x1024'], row: 'posenc-simd-2t-resident', than: 'posenc-simd-resident', min: 1.15, info: ['posenc-simd-autot-resident', CEILING, MEM_CEILING] },
  { title: 'threads 2: a 1×64 table within 10% of one thread', cases: ['overhead table 1x64'], row: 'posenc-simd-2t-resident', than: 'posenc-simd-resident', max: 1.1 },
  { title: 'threads 2: table 2048×768 within 3× of the copy', cases: ['table 2048x768'], row: 'posenc-simd-2t-resident', than: 'copy', max: 3 },
];

/**
 * A ratio target: in each case, time(`than`) / time(`row`) must be ≥ min (speedup), or
 * time(`row`) / time(`than`) ≤ max (when `max` is given: "within max× of"). `info`: other pairs
 * shown next to the result (a row key compared with the same `than`, or { row, than }).
 */
export const TARGETS = [
  { title: 'table f32: ≥ 25× the js baseline', cases: TABLES, row: 'posenc-simd-resident', than: 'js-out', min: 25, info: ['posenc-simd-out'] },
  { title: 'table f32: ≥ 50× tfjs-backend-wasm', cases: TABLES, row: 'posenc-simd-resident', than: 'tfjs-wasm-resident', min: 50 },
  { title: 'table f32: ≥ 50× onnxruntime-web', cases: TABLES, row: 'posenc-simd-resident', than: 'ort-e2e', min: 50 },
  { title: 'table f32: faster than numpy float32 (both into preallocated arrays)', cases: TABLES, row: 'posenc-simd-out', than: 'numpy-f32-out', min: 1, info: [{ row: 'posenc-simd-new', than: 'numpy-f32' }] },
  { title: 'table f32: within 3× of copying the same bytes', cases: TABLES, row: 'posenc-simd-resident', than: 'copy', max: 3 },
  { title: 'add, module tensors: ≥ 6× the js baseline', cases: ADDS, row: 'posenc-simd-resident', than: 'js-out', min: 6 },
  { title: 'add, module tensors: faster than tfjs-backend-wasm on resident tensors', cases: ADDS, row: 'posenc-simd-resident', than: 'tfjs-wasm-resident', min: 1 },
  { title: 'add, module tensors: within 1.5× of the copy', cases: ADDS, row: 'posenc-simd-resident', than: 'copy', max: 1.5, info: ['posenc-simd-inplace'] },
  { title: 'add end to end, Float32Arrays: ≥ 2× the js baseline (both into a given out)', cases: ADDS, row: 'posenc-simd-out', than: 'js-out', min: 2 },
  { title: 'add end to end, Float32Arrays: ≥ 5× tfjs-backend-wasm end to end (both return a new array)', cases: ADDS, row: 'posenc-simd-new', than: 'tfjs-wasm-e2e', min: 5, info: [{ row: 'posenc-simd-out', than: 'tfjs-wasm-e2e' }] },
  ...ROPE_TARGETS,
  ...MROPE_TARGETS,
  { title: 'identify 2048×768 on wasm-simd: ≤ 100 ms', cases: ['identify 2048x768'], row: 'posenc-simd-identify', maxMs: 100, info: [{ row: 'posenc-simd-identify', than: 'posenc-simd-table' }] },
  ...STEADY_TARGETS,
  ...BIAS_TARGETS,
  ...MODEL_TARGETS,
  ...DECODE_TARGETS,
];

function ratioFor(t, c, rowKey, thanKey = t.than) {
  const by = new Map(c.rows.map((r) => [r.key, r]));
  const row = by.get(rowKey);
  const than = by.get(thanKey);
  if (!row?.stats) return { missing: `${rowKey}: ${row?.reason ?? row?.status ?? 'not run'}` };
  // A time limit (median of the row's samples, ms); info pairs beside it are ratios.
  if (t.maxMs !== undefined && thanKey === undefined) {
    const v = row.stats.median;
    return { value: v, pass: v <= t.maxMs, text: `${v.toFixed(1)} ms` };
  }
  if (!than?.stats) return { missing: `${thanKey}: ${than?.reason ?? than?.status ?? 'not run'}` };
  if (t.max !== undefined || t.maxMs !== undefined) {
    const v = speedup(row, than);
    return { value: v, pass: v <= t.max, text: `${v.toFixed(2)}× the ${thanKey} time` };
  }
  const v = speedup(than, row);
  return { value: v, pass: v >= t.min, text: `${v.toFixed(v >= 10 ? 1 : 2)}×` };
}

/**
 * Evaluates every target on the cases present; returns [{ title, status, details: [...] }].
 * `memory`: the decode-loop measurement (cases-decode.mjs decodeMemory), if it ran.
 */
export function checkTargets(cases, startup, sizes, memory = null) {
  const out = [];
  const byId = new Map(cases.map((c) => [c.id, c]));
  for (const t of TARGETS) {
    const details = [];
    let status = 'PASS';
    let any = false;
    for (const id of t.cases) {
      const c = byId.get(id);
      if (!c) continue;
      any = true;
      if (t.allRows) {
        // Every timed row against the time limit (median of its samples, ms).
        const timed = c.rows.filter((r) => r.stats);
        const over = timed.filter((r) => !(r.stats.median <= t.maxMs));
        if (!timed.length) status = 'N/A';
        if (over.length) status = 'MISS';
        const worst = timed.reduce((a, r) => (!a || r.stats.median > a.stats.median ? r : a), null);
        details.push(`${id}: ${timed.length} rows, slowest ${worst ? `${(worst.stats.median * 1000).toFixed(1)} µs (${worst.key})` : '—'}${over.length ? `; over ${t.maxMs} ms: ${over.map((r) => r.key).join(', ')} ✗` : ''}`);
        continue;
      }
      const r = ratioFor(t, c, t.row);
      if (r.missing) {
        status = status === 'MISS' ? 'MISS' : 'N/A';
        details.push(`${id}: not measured (${r.missing})`);
        continue;
      }
      if (!r.pass) status = 'MISS';
      const info = (t.info ?? []).map((k) => {
        const { row, than } = typeof k === 'string' ? { row: k, than: t.than } : k;
        const x = ratioFor(t, c, row, than);
        return x.missing ? null : `${row}${than === t.than ? '' : ` vs ${than}`}: ${x.text}`;
      }).filter(Boolean);
      details.push(`${id}: ${t.row} ${r.text}${r.pass ? '' : ' ✗'}${info.length ? ` (${info.join(', ')})` : ''}`);
    }
    if (any) out.push({ title: t.title, status, details });
  }
  const mem = decodeMemoryTarget(memory);
  if (mem) out.push(mem);
  const auto = startup?.find((s) => s.backend === 'auto');
  if (auto) {
    if (auto.error) out.push({ title: 'init() to first result ≤ 15 ms in Node', status: 'N/A', details: [auto.error] });
    else {
      const v = auto.init.median;
      out.push({
        title: 'init() to first result ≤ 15 ms in Node',
        status: v <= 15 ? 'PASS' : 'MISS',
        details: startup.filter((s) => !s.error).map((s) => `${s.resolved}: init + first 128×64 table ${s.init.median.toFixed(2)} ms (import of dist ${s.import.median.toFixed(1)} ms), median of ${s.runs} fresh processes`),
      });
    }
  }
  if (sizes?.length) {
    const ok = sizes.every((s) => s.bytes !== null && s.bytes <= 32 * 1024);
    out.push({
      title: 'each wasm binary ≤ 32 KiB',
      status: sizes.some((s) => s.bytes === null) ? 'N/A' : ok ? 'PASS' : 'MISS',
      details: sizes.map((s) => `${s.file}: ${s.bytes === null ? 'missing' : `${s.bytes} bytes (${(s.bytes / 1024).toFixed(1)} KiB)`}`),
    });
  }
  return out;
}
