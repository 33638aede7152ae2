#!/usr/bin/env node
// The fixed cost of a call with a repeated call shape (validation, plan and cache lookup, the
// backend's dispatch): calls so small that the kernel is a few ns, timed in CPU time (robust to
// other processes on the machine), and where the time goes (a CPU profile).
//
//   node bench/fixed-cost.mjs            per-call CPU time of each call kind (median of rounds)
//   node --cpu-prof --cpu-prof-dir=prof bench/fixed-cost.mjs --only rope
//   node bench/fixed-cost.mjs --report prof   self time per function of the profile in prof/
//
// It measures the built package (dist/esm/index.js), like bench/run.mjs.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

if (args[0] === '--report') {
  // Self time of every function in the newest .cpuprofile of a directory.
  const dir = args[1] ?? 'prof';
  const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort().pop();
  const p = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (const id of p.samples) {
    const cf = byId.get(id).callFrame;
    const k = `${cf.functionName || '(anonymous)'} ${cf.url.split('/').pop()}:${cf.lineNumber + 1}`;
    self.set(k, (self.get(k) ?? 0) + 1);
  }
  const total = p.samples.length;
  for (const [k, c] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${((100 * c) / total).toFixed(1).padStart(5)}%  ${k}`);
  process.exit(0);
}

const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const { init } = await import(pathToFileURL(path.join(ROOT, 'dist/esm/index.js')).href);
const pe = await init({ backend: 'wasm-simd' });
const q = pe.alloc(2), k = pe.alloc(2);
const qa = new Float32Array(2), ka = new Float32Array(2);
const x = pe.alloc(64), xa = new Float32Array(64), oa = new Float32Array(64);
const pos = new Int32Array(4);
const qb = pe.alloc(4 * 2);

/** Each call kind: one call at step i (positions change every call, as in a decode loop). */
const calls = {
  'rope, module tensor, offset': (i) => pe.rope(q, { shape: [1, 1, 1, 2], offset: i & 4095, out: q }),
  'rope, Float32Array, offset': (i) => pe.rope(qa, { shape: [1, 1, 1, 2], offset: i & 4095, out: qa }),
  'rope, module tensor, 4 sequences at their positions': (i) => {
    for (let b = 0; b < 4; b++) pos[b] = (i + 517 * b) & 4095;
    return pe.rope(qb, { shape: [4, 1, 1, 2], positions: pos, out: qb });
  },
  'ropeStep, module tensors (q and k)': (i) => pe.ropeStep(q, k, { qShape: [1, 1, 1, 2], kShape: [1, 1, 1, 2], position: i & 4095 }),
  'ropeStep, Float32Arrays (q and k)': (i) => pe.ropeStep(qa, ka, { qShape: [1, 1, 1, 2], kShape: [1, 1, 1, 2], position: i & 4095 }),
  'add, module tensor, offset': (i) => pe.add(x, { shape: [1, 1, 64], offset: i & 255, out: x }),
  'add, Float32Array into out, offset': (i) => pe.add(xa, { shape: [1, 1, 64], offset: i & 255, out: oa }),
  'an options object literal (the caller\'s share)': (i) => ({ shape: [1, 1, 1, 2], offset: i & 4095, out: q }),
};
const names = Object.keys(calls).filter((n) => !only || n.includes(only));
const N = 20000;
for (const n of names) for (let i = 0; i < 5 * N; i++) calls[n](i);
const t = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < 11; r++) {
  for (let j = 0; j < names.length; j++) {
    const n = names[(j + r) % names.length];
    const f = calls[n];
    const c0 = process.cpuUsage();
    for (let i = 0; i < N; i++) f(i);
    const c = process.cpuUsage(c0);
    t[n].push(((c.user + c.system) * 1000) / N);
  }
}
const med = (a) => a.slice().sort((u, v) => u - v)[a.length >> 1];
console.log(`posenc ${pe.backend}: CPU time per call (median of 11 rounds of ${N} calls; the kernel of these shapes is a few ns)`);
for (const n of names) console.log(`  ${String(Math.round(med(t[n]))).padStart(5)} ns  ${n}`);
