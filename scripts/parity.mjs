// npm run parity: posenc against torch's float32 tables, family by family, on every backend.
// scripts/parity/torch_refs.py computes the references with torch (Debian's python3-torch on
// /usr/bin/python3) in the order the model code computes them; this script computes the same
// tables with the built package (dist/) three ways and prints the max |posenc − torch|:
//   exact        default float64 angles, sin/cos rounded once;
//   derived ω    float32Angles: true, ω derived by posenc's float32 chain (correctly rounded exp/pow);
//   torch's ω    float32Angles: true, frequencies: torch's own ω (what a checkpoint stores).
// `--fixture FILE` also writes the compact test fixture test/fixtures use (torch's ω, sample rows).
// `--models` instead measures pe.model(config) for every corpus config against
// scripts/parity/model_refs.py (one line per config; scripts/parity/models.mjs).
// Not part of npm test: it needs torch.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initSync } from '../dist/esm/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const python = process.env.PYTHON ?? '/usr/bin/python3';
const fixtureAt = process.argv.indexOf('--fixture');
const fixturePath = fixtureAt > 0 ? process.argv[fixtureAt + 1] : undefined;

const TORCH_HINT = "install Debian's python3-torch: apt-get install -y python3-torch (runs on /usr/bin/python3)";
try {
  execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
} catch (e) {
  const what = e.code === 'ENOENT' ? 'was not found' : 'cannot import torch';
  console.error(`parity: ${python} ${what}; ${TORCH_HINT} (or set PYTHON to a python with torch)`);
  process.exit(1);
}
if (process.argv.includes('--models')) {
  // pe.model(config) for every corpus config against scripts/parity/model_refs.py (scripts/parity/models.mjs).
  const { runModels } = await import('./parity/models.mjs');
  process.exit(runModels({ root, python, initSync }) ? 1 : 0);
}
const dir = mkdtempSync(join(tmpdir(), 'posenc-parity-'));
try {
  execFileSync(python, [join(root, 'scripts/parity/torch_refs.py'), dir], { stdio: ['ignore', 'inherit', 'inherit'] });
} catch (e) {
  rmSync(dir, { recursive: true, force: true });
  console.error(`parity: ${python} scripts/parity/torch_refs.py failed (status ${e.status}); see above.`);
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const load = (a) => {
  const b = readFileSync(join(dir, a.file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
for (const c of manifest.cases) {
  if (c.table) c.ref = load(c.table);
  if (c.x) c.xv = load(c.x);
  if (c.out) c.ref = load(c.out);
}
rmSync(dir, { recursive: true, force: true });

const fr = Math.fround;
function ulp32(x) {
  const a = Math.abs(x);
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}
const range = (n) => Array.from({ length: n }, (_, i) => i);

/** posenc's rotary schedule options of a case (seqLen: HF's max(position) + 1). */
function ropeSchedule(c) {
  return { base: c.base, ...(c.scaling ? { scaling: c.scaling, seqLen: Math.max(...c.positions) + 1 } : {}) };
}

/** posenc's result for a case, with `variant` = extra encoding options. */
function compute(pe, c, variant) {
  if (c.kind === 'table') {
    return pe.sinusoidal({ preset: c.preset, dim: c.dim, positions: range(c.rows), ...variant });
  }
  if (c.kind === 'add') {
    const [B, L] = c.shape;
    const positions = pe.positionsFromTokens(c.tokens, { shape: [B, L], paddingIdx: c.paddingIdx });
    return pe.add(c.xv, { shape: c.shape, encoding: { preset: c.preset, ...variant }, positions, scale: c.scale });
  }
  const { scaling: _s, ...rest } = variant;
  const o = variant.frequencies ? rest : { ...variant, ...ropeSchedule(c) };
  return pe.rope(c.xv, { shape: c.shape, positions: c.positions, ...o });
}

/** The acceptance bound of element i (README "Matching a checkpoint exactly"): 2^-22; add: + 1 ulp of the sum; rope: af·2^-21 + 1 ulp. */
function bound(c, ref, i) {
  if (c.kind === 'table') return 2 ** -22;
  if (c.kind === 'add') return 2 ** -22 + ulp32(ref[i]);
  return c.attentionFactor * 2 ** -21 + ulp32(ref[i]);
}

function maxDiff(a, ref) {
  let m = 0;
  let at = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(a[i] - ref[i]);
    if (d > m || Number.isNaN(d)) [m, at] = [Number.isNaN(d) ? Infinity : d, i];
  }
  return { m, at };
}

function freqMismatch(pe, c) {
  const mine = c.kind === 'rope'
    ? Float32Array.from(pe.ropeFrequencies({ dim: c.shape[3], ...ropeSchedule(c), float32Angles: true }).invFreq)
    : pe.frequencies({ preset: c.preset, dim: c.dim ?? c.shape[2], float32Angles: true });
  let k = 0;
  let worst = 0;
  c.freqs.forEach((w, i) => {
    if (mine[i] !== w) {
      k++;
      worst = Math.max(worst, Math.abs(mine[i] - w) / ulp32(w));
    }
  });
  return `${k} of ${c.freqs.length}${k ? ` (≤ ${worst} ulp)` : ''}`;
}

const e = (v) => (v === 0 ? '0' : v.toExponential(1));
const boundText = (c) => (c.kind === 'table' ? '2^-22' : c.kind === 'add' ? '2^-22 + 1 ulp(out)' : 'af·2^-21 + 1 ulp(out)');
let failed = 0;
console.log(`torch ${manifest.torch} (float32, CPU) vs posenc ${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}: max |posenc − torch|\n`);
for (const backend of ['wasm-simd', 'wasm', 'js']) {
  const pe = initSync({ backend });
  console.log(`backend '${backend}'\n`);
  console.log('| reference (torch float32) | torch ω ≠ posenc float32 ω | exact | float32Angles, derived ω | float32Angles, torch\'s ω | bound (torch\'s ω) |');
  console.log('|---|---|---|---|---|---|');
  for (const c of manifest.cases) {
    const exact = maxDiff(compute(pe, c, {}), c.ref).m;
    const derived = maxDiff(compute(pe, c, { float32Angles: true }), c.ref).m;
    const given = compute(pe, c, { float32Angles: true, frequencies: c.freqs, ...(c.kind === 'rope' ? { attentionFactor: c.attentionFactor } : {}) });
    let ok = true;
    for (let i = 0; i < c.ref.length; i++) if (!(Math.abs(given[i] - c.ref[i]) <= bound(c, c.ref, i))) ok = false;
    if (!ok) failed++;
    const g = maxDiff(given, c.ref);
    console.log(`| ${c.family} | ${freqMismatch(pe, c)} | ${e(exact)} | ${e(derived)} | ${e(g.m)} ${ok ? '✓' : '✗ OVER'} | ${boundText(c)} |`);
    c[`given_${backend}`] = given;
    if (backend === 'wasm-simd') c.derivedOut = compute(pe, c, { float32Angles: true });
  }
  console.log('');
}
// How the derived-ω difference grows with the position (wasm-simd): max over rows [lo, hi).
console.log('float32Angles with derived ω: max |posenc − torch| by position (wasm-simd)\n');
const spans = [[0, 10], [10, 100], [100, 1000], [1000, 5000]];
console.log(`| reference | ${spans.map(([a, b]) => `p in [${a}, ${b})`).join(' | ')} |`);
console.log(`|---|${spans.map(() => '---').join('|')}|`);
for (const c of manifest.cases.filter((k) => k.kind === 'table')) {
  const cells = spans.map(([a, b]) => {
    if (a >= c.rows) return '—';
    const hi = Math.min(b, c.rows) * c.dim;
    return e(maxDiff(c.derivedOut.subarray(a * c.dim, hi), c.ref.subarray(a * c.dim, hi)).m);
  });
  console.log(`| ${c.family} | ${cells.join(' | ')} |`);
}
console.log('');
console.log(failed ? `parity: ${failed} case(s) over the bound` : 'parity: every family within the bound with torch\'s ω, on every backend');

if (fixturePath) {
  // Compact fixture: torch's ω and a few rows of torch's output (the first, the last, and where
  // posenc's derived ω are furthest from torch), base64 float32 little-endian.
  const b64 = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  const cases = manifest.cases.map((c) => {
    const width = c.kind === 'table' ? c.dim : c.shape[c.shape.length - 1];
    const nRows = c.ref.length / width;
    const worstRow = Math.floor(maxDiff(c.derivedOut, c.ref).at / width);
    const pick = [...new Set(c.kind === 'table' ? [0, 1, 2, worstRow, nRows - 2, nRows - 1] : c.kind === 'add' ? [0, 36, 37, 38, worstRow, 1023, 1024 + 2, 1024 + 3, 2047] : [0, 1, 31, worstRow, 63, 64 + 63, 3 * 64 + 63])].sort((a, b) => a - b);
    const take = (a) => {
      const out = new Float32Array(pick.length * width);
      pick.forEach((r, k) => out.set(a.subarray(r * width, (r + 1) * width), k * width));
      return b64(out);
    };
    const base = { name: c.name, family: c.family, kind: c.kind, freqs: c.freqs, rows: pick, width };
    if (c.kind === 'table') return { ...base, preset: c.preset, ref: take(c.ref) };
    if (c.kind === 'add') return { ...base, preset: c.preset, shape: c.shape, paddingIdx: c.paddingIdx, scale: c.scale, tokens: c.tokens, x: take(c.xv), ref: take(c.ref) };
    return { ...base, shape: c.shape, positions: c.positions, base: c.base, scaling: c.scaling, attentionFactor: c.attentionFactor, x: take(c.xv), ref: take(c.ref) };
  });
  writeFileSync(fixturePath, JSON.stringify({ torch: manifest.torch, note: 'written by npm run parity -- --fixture', cases }) + '\n');
  console.log(`fixture written: ${fixturePath}`);
}
process.exit(failed ? 1 : 0);
