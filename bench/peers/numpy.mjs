// numpy reference, timed in a child process (python3 bench/peers/numpy_bench.py): the vaswani
// table in float64 and float32. It cannot be interleaved with the in-process rows, so its ratios
// compare medians taken minutes apart (marked in the table). Skipped, with a note, where python3
// or numpy is missing. The environment is passed through unchanged.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'numpy_bench.py');

/**
 * Times every [length, dim] once (one child process). Returns
 * { available: true, info, get(length, dim, dtype, variant) → { stats, result() }, cleanup() }
 * or { available: false, reason }.
 */
export function runNumpy(shapes, { repeat = 7, minTime = 0.02, timeoutMs = 300000 } = {}) {
  const probe = spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
  if (probe.error) return { available: false, reason: `python3 not found (${probe.error.code ?? probe.error.message})` };
  if (probe.status !== 0) return { available: false, reason: 'numpy is not installed for python3' };
  if (shapes.length === 0) return { available: false, reason: 'no table case selected' };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'posenc-bench-numpy-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const input = JSON.stringify({ shapes, repeat, min_time: minTime, dump_dir: dir });
  const r = spawnSync('python3', [script], { input, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 << 20 });
  if (r.status !== 0) {
    cleanup();
    const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').pop();
    return { available: false, reason: `numpy_bench.py failed: ${why}` };
  }
  const out = JSON.parse(r.stdout);
  const byKey = new Map(out.results.map((x) => [`${x.length}x${x.dim}/${x.dtype}/${x.variant}`, x]));
  return {
    available: true,
    info: { python: out.python, numpy: out.numpy, simd: out.simd },
    get(length, dim, dtype, variant) {
      const x = byKey.get(`${length}x${dim}/${dtype}/${variant}`);
      if (!x) return null;
      return {
        stats: { median: x.median_ms, p25: x.p25_ms, p75: x.p75_ms, min: x.min_ms, n: x.repeats, number: x.number },
        result() {
          const b = readFileSync(x.file);
          const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
          return dtype === 'float32' ? new Float32Array(ab) : new Float64Array(ab);
        },
      };
    },
    cleanup,
  };
}

/**
 * The numpy rows of a table case (external: timed in the child, checked here): float32 and
 * float64, each returning a new array ("new", the usual code) and into preallocated arrays ("out").
 */
export function numpyTableImpls(np, { length, dim }) {
  const rows = [];
  for (const dtype of ['float32', 'float64']) {
    for (const variant of ['new', 'out']) {
      const key = `numpy-${dtype === 'float32' ? 'f32' : 'f64'}${variant === 'out' ? '-out' : ''}`;
      const label = `numpy ${dtype} · ${variant === 'out' ? 'into preallocated arrays' : 'new array'}`;
      const mode = variant === 'out' ? 'into out' : 'new array';
      if (!np?.available) {
        rows.push({ key, label, kind: 'external', mode, unavailable: np?.reason ?? 'numpy not run' });
        continue;
      }
      rows.push({
        key, label, kind: 'external', mode,
        measure() {
          const m = np.get(length, dim, dtype, variant);
          if (!m) throw new Error(`numpy did not time ${length}×${dim}`);
          return m;
        },
      });
    }
  }
  return rows;
}
