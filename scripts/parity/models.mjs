// npm run parity -- --models: pe.model(config) for every corpus config (test/fixtures/models/) against
// what scripts/parity/model_refs.py computes with torch in transformers' order and dtype, on every
// backend. One line per config: invFreq elements that differ from torch (and by how many ulps), the
// largest |posenc − torch| of cos/sin over the sampled positions 0…max_position_embeddings−1 and of the
// rotated q, position ids, sinusoidal tables, ALiBi tensors and T5 bias — each against its bound
// (README "Models"); ALiBi tensors and T5 bias bit for bit:
//   cos/sin  2 ulp32 + af·(p·|Δω| + ulp32(p·ω));   q  af·(|x_a| + |x_b|)·2^-23 + 1 ulp;
//   tables   2 ulp32 + p·ulp32(ω) + ulp32(p·ω) (float64 numpy tables: 0);   ids, buckets  equal.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ENC_DEC = new Set(['whisper', 't5', 'mt5', 'umt5', 'switch_transformers', 'bart', 'mbart', 'marian', 'pegasus', 'm2m_100', 'speech_to_text', 'fsmt']);

function ulp32(x) {
  const a = Math.abs(x);
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}
const e = (v) => (v === 0 ? '0' : v.toExponential(1));

export function runModels({ root, python, initSync }) {
  const dir = mkdtempSync(join(tmpdir(), 'posenc-model-refs-'));
  let manifest;
  const arrays = new Map();
  try {
    execFileSync(python, [join(root, 'scripts/parity/model_refs.py'), dir], { stdio: ['ignore', 'inherit', 'inherit'] });
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    // Load every array the manifest names (float32 or int64) before the directory goes.
    const visit = (v) => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object') {
        if (typeof v.file === 'string' && (v.dtype === 'float32' || v.dtype === 'int64')) {
          const b = readFileSync(join(dir, v.file));
          const buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
          arrays.set(v, v.dtype === 'float32' ? new Float32Array(buf) : Array.from(new BigInt64Array(buf), Number));
        } else Object.values(v).forEach(visit);
      }
    };
    visit(manifest.models);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const A = (ref) => arrays.get(ref);
  const configs = new Map(manifest.models.map((m) => [m.file, JSON.parse(readFileSync(join(root, 'test/fixtures/models', m.file), 'utf8'))]));

  /** One config on one backend: { cells, ok, outputs } (outputs: every posenc result, to compare backends). */
  function measure(pe, m) {
    const cfg = configs.get(m.file);
    const part = ENC_DEC.has(m.model_type) ? { part: 'decoder' } : undefined;
    const md = pe.model(cfg, part);
    const outputs = [];
    let ok = md.kind === m.kind;
    const cells = {};
    if (m.kind === 'rope' || m.kind === 'mrope') {
      // invFreq
      let diff = 0;
      let n = 0;
      let worst = 0;
      const types = m.kind === 'mrope' ? [[null, { invFreq: m.invFreq, attentionScaling: m.attentionScaling }]] : Object.entries(m.layers).filter(([, L]) => A(L.invFreq).length);
      for (const [ty, L] of types) {
        const layer = ty === null ? md.layers[0] : md.layers.find((l) => l.type === ty);
        const ref = A(L.invFreq);
        ref.forEach((v, i) => {
          n++;
          if (v !== layer.invFreq[i]) {
            diff++;
            worst = Math.max(worst, Math.abs(v - layer.invFreq[i]) / ulp32(v));
          }
        });
        if (layer.attentionFactor !== L.attentionScaling) ok = false;
      }
      cells.inv = `${diff} of ${n}${diff ? ` (≤ ${worst} ulp)` : ''}`;
      // cos/sin over the sampled positions, and q
      let cs = 0;
      let q = 0;
      const h = md.rotaryDim / 2;
      const callsOf = m.kind === 'mrope'
        ? [{ positions: A(m.positions), cos: m.cosHalf, sin: m.sinHalf, mrope: true }]
        : m.calls;
      for (const call of callsOf) {
        const li = call.mrope ? 0 : md.layers.findIndex((l) => l.type === call.layerType);
        const layer = md.layers[li];
        const rc = A(call.cos);
        const rs = A(call.sin);
        const width = rc.length / (call.mrope ? call.positions.length / 3 : call.positions.length);
        const got = md.cosSin({ positions: call.positions, ...(call.mrope ? {} : { seqLen: call.seqLen, layer: li }), expand: width !== h });
        outputs.push(got.cos, got.sin);
        const refInv = call.invFreq ? A(call.invFreq) : call.mrope ? A(m.invFreq) : A(m.layers[call.layerType].invFreq);
        const mineInv = call.invFreq ? refInv : layer.invFreq; // the call's own (dynamic/longrope) ω: posenc derives them from seqLen too
        const rows = rc.length / width;
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < width; c++) {
            const j = width === h ? c : md.layout === 'interleaved' && md.modelType !== 'deepseek_v3' ? c >> 1 : c % h;
            const p = call.mrope ? call.positions[m.freqAxis[j] * rows + r] : call.positions[r];
            const w = refInv[j];
            const af = layer.attentionFactor;
            const i = r * width + c;
            for (const [g, ref] of [[got.cos[i], rc[i]], [got.sin[i], rs[i]]]) {
              const d = Math.abs(g - ref);
              cs = Math.max(cs, d);
              if (!(d <= 2 * ulp32(ref) + af * (p * Math.abs(w - mineInv[j]) + ulp32(p * w)))) ok = false;
            }
          }
        }
      }
      cells.cosSin = e(cs);
      const qs = m.kind === 'mrope' ? [[0, m.qOut, m.x64, A(m.positions)]] : Object.entries(m.layers).map(([ty, L]) => [md.layers.findIndex((l) => l.type === ty), L.qOut, null, m.qPositions]);
      for (const [li, qref, x64, positions] of qs) {
        const x = x64 ? Float32Array.from(x64, (v) => v / 64) : A(m.x);
        const shape = x64 ? m.xShape : m.x.shape;
        const y = md.rope(x, { shape, positions, layer: li });
        const s = md.queryScale({ positions: m.kind === 'mrope' ? Array.from({ length: shape[2] }, (_, i) => i) : positions, layer: li });
        outputs.push(y);
        const ref = A(qref);
        const d = shape[3];
        const layer = md.layers[li];
        const refInv = m.kind === 'mrope' ? A(m.invFreq) : A(m.layers[layer.type].invFreq);
        for (let i = 0; i < ref.length; i++) {
          const got = Math.fround(y[i] * s[Math.floor(i / d) % shape[2]]);
          const diff = Math.abs(got - ref[i]);
          q = Math.max(q, diff);
          const f = i % d;
          if (f >= md.rotaryDim || !refInv.length) {
            if (diff > ulp32(ref[i])) ok = false;
            continue;
          }
          const base = i - f;
          const row = Math.floor(i / d) % shape[2];
          // the pair partner in x (input order); DeepSeek-V3's output is de-interleaved
          let j;
          let a;
          let b;
          if (md.modelType === 'deepseek_v3') [j, a, b] = [f % h, x[base + 2 * (f % h)], x[base + 2 * (f % h) + 1]];
          else if (md.layout === 'interleaved') [j, a, b] = [f >> 1, x[base + (f & ~1)], x[base + (f | 1)]];
          else [j, a, b] = [f % h, x[base + (f % h)], x[base + (f % h) + h]];
          const p = m.kind === 'mrope' ? positions[m.freqAxis[j] * shape[2] + row] : positions[row];
          const dw = Math.abs(refInv[j] - layer.invFreq[j]);
          if (!(diff <= layer.attentionFactor * (Math.abs(a) + Math.abs(b)) * (2 ** -23 + p * dw + ulp32(p * refInv[j])) + ulp32(ref[i]))) ok = false;
        }
      }
      cells.q = e(q);
      if (m.queryScale) {
        const ref = A(m.queryScale.scale);
        const li = md.layers.findIndex((l) => l.kind === 'none');
        const s = md.queryScale({ positions: m.queryScale.positions, ...(li >= 0 ? { layer: li } : {}) });
        let d = 0;
        ref.forEach((v, i) => (d = Math.max(d, Math.abs(s[i] - v) / ulp32(v))));
        cells.extra = `queryScale ≤ ${d} ulp`;
        if (d > 1) ok = false;
      }
    } else if (m.kind === 'learned' || m.kind === 'sinusoidal') {
      const P = m.positionIds;
      const ids = m.inputIds?.flat();
      const mask = m.attentionMask?.flat();
      let same = true;
      const check = (key, got) => {
        const ref = A(P[key]);
        outputs.push(Float64Array.from(got));
        if (ref.length !== got.length || ref.some((v, i) => v !== got[i])) same = false;
      };
      check('plain', md.positions({ shape: [2, P.plain.shape[1]], inputIds: ids, attentionMask: m.model_type === 'opt' ? mask : undefined }));
      if (P.past6) check('past6', md.positions({ shape: [2, 6], inputIds: ids, pastLength: 6 }));
      if (P.generateLeftPadded) check('generateLeftPadded', md.positions({ shape: [2, 6], attentionMask: mask }));
      if (P.leftPaddedPast6) check('leftPaddedPast6', md.positions({ shape: [2, 6], attentionMask: m.leftPaddedPast6Mask.flat(), pastLength: 6 }));
      if (P.cachedStepOf12) check('cachedStepOf12', md.positions({ shape: [2, 1], inputIds: m.cachedStepInputIds.flat(), pastLength: 11 }));
      cells.ids = same ? `equal (${Object.keys(P).length} cases)` : 'DIFFER';
      if (!same) ok = false;
      const tables = [];
      if (m.kind === 'sinusoidal') tables.push([md, m.sampleRows, m.table]);
      if (m.encoder?.table) tables.push([pe.model(cfg, { part: 'encoder' }), m.encoder.sampleRows, m.encoder.table]);
      let worst = 0;
      for (const [tm, rows, tref] of tables) {
        const t = pe.sinusoidal({ ...tm.options, positions: rows });
        outputs.push(t);
        const ref = A(tref);
        const dim = tm.options.dim;
        const freqs = pe.frequencies({ ...tm.options });
        const half = freqs.length;
        ref.forEach((v, i) => {
          const p = rows[Math.floor(i / dim)];
          const col = i % dim;
          const w = freqs[tm.options.preset === 'vaswani' ? col >> 1 : col < half ? col : col - half] ?? 0;
          const bound = tm.options.float32Angles ? 2 * ulp32(v) + p * ulp32(w) + ulp32(p * w) : 0;
          const d = Math.abs(t[i] - v);
          worst = Math.max(worst, d);
          if (!(d <= bound)) ok = false;
        });
      }
      if (tables.length) cells.table = e(worst);
      if (m.encoder?.positionIds) {
        const enc = pe.model(cfg, { part: 'encoder' });
        const frames = m.encoder.frameMask.flat();
        const got = enc.positions({ shape: [2, frames.length / 2], attentionMask: frames });
        const ref = A(m.encoder.positionIds);
        if (ref.some((v, i) => v !== got[i])) ok = false;
      }
    } else if (m.kind === 'alibi') {
      // model.alibi for the config's heads and the fixture's other head counts, bit for bit.
      let same = 0;
      let all = 0;
      let worst = 0;
      for (const v of m.variants.filter((x) => !x.notUsedByHF)) {
        const c = { ...cfg };
        if (v.heads !== m.heads) {
          if (m.model_type === 'mpt') Object.assign(c, { n_heads: v.heads, d_model: v.heads * 64 });
          else Object.assign(c, 'n_head' in c ? { n_head: v.heads } : { num_attention_heads: v.heads }, { hidden_size: v.heads * 64 });
        }
        const vm = pe.model(c);
        const got = m.model_type === 'mpt' ? vm.alibi({ keyLength: m.keyLength }) : vm.alibi({ keyLength: 9, attentionMask: m.mask.flat() });
        outputs.push(got);
        const ref = A(v.alibi);
        all++;
        let d = 0;
        ref.forEach((x, i) => (d = Math.max(d, Math.abs(x - got[i]))));
        worst = Math.max(worst, d);
        if (d === 0 && got.length === ref.length) same++;
        else ok = false;
      }
      cells.extra = `alibi tensor: ${same} of ${all} head counts bit-identical (max |Δ| ${e(worst)})`;
    } else if (m.kind === 'relative-bias') {
      const weight = A(m.weight);
      let same = 0;
      for (const c of m.cases) {
        const md2 = pe.model(cfg, { part: c.bidirectional ? 'encoder' : 'decoder' });
        const got = md2.relativeBias(weight, { queryLength: c.queryLength, keyLength: c.keyLength, pastLength: c.queryOffset });
        outputs.push(got);
        const ref = A(c.bias);
        if (ref.length === got.length && ref.every((x, i) => Object.is(x, got[i]))) same++;
        else ok = false;
      }
      cells.extra = `bias: ${same} of ${m.cases.length} cases bit-identical`;
    }
    return { cells, ok, outputs, md };
  }

  const backends = ['wasm-simd', 'wasm', 'js'];
  const pes = backends.map((b) => initSync({ backend: b }));
  console.log(`pe.model against torch ${manifest.torch} (scripts/parity/model_refs.py, transformers' float32 model code), backend 'wasm-simd'; last column: the other backends' results\n`);
  console.log('| config | model_type | kind | invFreq ≠ torch | cos/sin max |Δ| | rotated q max |Δ| | ids / table | wasm, js | within bounds |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  let failed = 0;
  for (const m of manifest.models) {
    let res;
    try {
      res = pes.map((pe) => measure(pe, m));
    } catch (err) {
      failed++;
      console.log(`| ${m.file.replace(/\.json$/, '')} | ${m.model_type} | ${m.kind} | error: ${err.message} | | | | | ✗ |`);
      continue;
    }
    const [main, ...others] = res;
    const same = others.every((o) => o.outputs.length === main.outputs.length && o.outputs.every((a, i) => a.length === main.outputs[i].length && a.every((v, j) => Object.is(v, main.outputs[i][j]))));
    const ok = res.every((r) => r.ok);
    if (!ok) failed++;
    const c = main.cells;
    console.log(`| ${m.file.replace(/\.json$/, '')} | ${m.model_type} | ${main.md.kind} | ${c.inv ?? '—'} | ${c.cosSin ?? '—'} | ${c.q ?? '—'} | ${[c.ids, c.table && `table ${c.table}`, c.extra].filter(Boolean).join('; ') || '—'} | ${same ? 'same bits' : 'differ (within bounds)'} | ${ok ? '✓' : '✗'} |`);
  }
  console.log('');
  console.log(failed ? `parity --models: ${failed} config(s) over a bound` : `parity --models: all ${manifest.models.length} configs within their bounds on every backend`);
  return failed;
}
