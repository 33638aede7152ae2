// Output: the console table, the markdown for the README, and a hand-written SVG bar chart.
import { speedup } from './harness.mjs';
import { machineLine } from './machine.mjs';
import { fmtBytes, fmtErr, fmtGBs, fmtRatio, fmtSpread, fmtTime } from './stats.mjs';

const COLUMNS = ['implementation', 'median', 'p25–p75', 'GB/s', '× js', 'time/copy', 'max err', 'Δ posenc'];

function cells(row) {
  if (!row.stats) return [row.label, `${row.status}: ${row.reason ?? ''}`];
  const s = row.stats;
  return [
    row.label + (row.external ? ' †' : ''),
    fmtTime(s.median),
    fmtSpread(s.p25, s.p75, s.median),
    fmtGBs(row.gbs),
    fmtRatio(row.vsJs),
    fmtRatio(row.vsCopy),
    fmtErr(row.errRef),
    fmtErr(row.diffPosenc),
  ];
}

function caseHeader(c) {
  const reps = c.reps > 1 ? `, ${c.reps} calls per sample` : '';
  return `${c.title}: ${fmtBytes(c.bytes)} out, ${c.rounds} interleaved rounds${reps}`;
}

export function consoleReport(cases) {
  const lines = [];
  for (const c of cases) {
    lines.push('', `${c.id} — ${caseHeader(c)}`);
    const rows = c.rows.map(cells);
    const w = COLUMNS.map((h, i) => Math.max(h.length, ...rows.filter((r) => r.length > 2).map((r) => (r[i] ?? '').length)));
    const fmt = (r) => r.length === 2
      ? `  ${r[0].padEnd(w[0])}  ${r[1]}`
      : '  ' + r.map((v, i) => (i === 0 ? v.padEnd(w[i]) : v.padStart(w[i]))).join('  ');
    lines.push(fmt(COLUMNS), '  ' + w.map((n) => '─'.repeat(n)).join('  '));
    for (const r of rows) lines.push(fmt(r));
    for (const n of c.notes ?? []) lines.push(`  note: ${n}`);
  }
  lines.push('',
    '× js: speedup over posenc\'s js backend (time(js) / time(row), median of per-round ratios); time/copy: time(row) / time(Float32Array.set of the same bytes).',
    'GB/s: bytes of the result per second. max err: max |row − float64 reference|. Δ posenc: max |row − posenc wasm-simd|.',
    '†: timed in a child process (not interleaved); its ratios compare medians.');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Markdown

const mdEscape = (s) => String(s).replace(/\|/g, '\\|');

function mdTable(header, rows, align) {
  const out = [`| ${header.join(' | ')} |`, `|${align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`];
  for (const r of rows) out.push(`| ${r.map(mdEscape).join(' | ')} |`);
  return out.join('\n');
}

/** Speedup of posenc (simd, module tensors) over each reference, per case. */
const SUMMARY = [
  ['js', 'js-out'],
  ['wasm scalar', 'posenc-wasm-resident'],
  ['tfjs-wasm', 'tfjs-wasm-resident'],
  ['tfjs-cpu', 'tfjs-cpu-resident'],
  ['onnxruntime-web', ['ort-resident', 'ort-e2e']],
  ['numpy f32 (out)', 'numpy-f32-out'],
  ['numpy f64 (out)', 'numpy-f64-out'],
];

function find(c, keys) {
  for (const k of [keys].flat()) {
    const r = c.rows.find((x) => x.key === k);
    if (r?.stats) return r;
  }
  return null;
}

export function markdownReport({ cases, machine, startup, sizes, targets, command }) {
  const L = [];
  L.push(`Measured ${machine.date.slice(0, 10)} on ${machineLine(machine)}; posenc ${machine.posenc.version} @ ${machine.posenc.commit ?? '?'}${machine.posenc.dirtySources ? ' (uncommitted changes in src/ or assembly/)' : ''}. Reproduce: \`${command}\`.`);
  L.push('');
  L.push('**Speedup of posenc wasm-simd (operands in module memory) over each implementation** (time(other) / time(posenc), median of per-round ratios; numpy: ratio of medians, child process), and its time relative to copying the same bytes with `Float32Array.prototype.set`:');
  L.push('');
  const head = ['case', 'posenc wasm-simd', ...SUMMARY.map(([n]) => `vs ${n}`), 'time / copy', 'max err'];
  const rows = [];
  for (const c of cases) {
    const p = find(c, 'posenc-simd-resident');
    if (!p) continue;
    const cols = SUMMARY.map(([, k]) => {
      const r = find(c, k);
      return r ? fmtRatio(speedup(r, p)) : '—';
    });
    rows.push([c.title, fmtTime(p.stats.median), ...cols, fmtRatio(p.vsCopy), fmtErr(p.errRef)]);
  }
  L.push(mdTable(head, rows, head.map((_, i) => (i === 0 ? 'l' : 'r'))));
  L.push('');
  if (targets?.length) {
    L.push('**Targets** (ratios of medians in this run):', '');
    L.push(mdTable(['target', 'result', 'measured'], targets.map((t) => [t.title, t.status, t.details.join('; ')]), ['l', 'l', 'l']));
    L.push('');
  }
  if (startup?.length || sizes?.length) {
    L.push('**Start-up and size**:', '');
    for (const s of startup ?? []) {
      if (s.error) L.push(`- \`init({ backend: '${s.backend}' })\`: ${s.error}`);
      else L.push(`- \`init(${s.backend === 'auto' ? '' : `{ backend: '${s.backend}' }`})\` → ${s.resolved}: init + first 128×64 table **${s.init.median.toFixed(2)} ms** (p25–p75 ${s.init.p25.toFixed(2)}–${s.init.p75.toFixed(2)}), import of dist ${s.import.median.toFixed(1)} ms; median of ${s.runs} fresh Node processes`);
    }
    for (const s of sizes ?? []) L.push(`- \`${s.file}\`: ${s.bytes === null ? 'missing' : `${s.bytes} bytes (${(s.bytes / 1024).toFixed(1)} KiB)`}`);
    L.push('');
  }
  L.push('<details><summary>All rows, per case</summary>', '');
  for (const c of cases) {
    L.push(`**${c.title}** (${fmtBytes(c.bytes)} out${c.reps > 1 ? `, ${c.reps} calls per sample` : ''})`, '');
    const rs = c.rows.map((r) => {
      const x = cells(r);
      return x.length === 2 ? [x[0], `${r.status}`, '', '', '', '', '', x[1].replace(/^\S+: /, '')] : x;
    });
    L.push(mdTable(['implementation', 'median', 'p25–p75', 'GB/s', '× js', 'time / copy', 'max err', 'Δ posenc'], rs, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']));
    for (const n of c.notes ?? []) L.push('', `Note: ${n}.`);
    L.push('');
  }
  L.push('</details>', '');
  L.push('× js: time(js baseline) / time(row). time / copy: time(row) / time(`Float32Array.set` of the same bytes). GB/s: bytes of the result per second. max err: max |row − float64 reference| (Math.sin/Math.cos in float64). Δ posenc: max |row − posenc wasm-simd|. †: timed in a child process, not interleaved.');
  return L.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// SVG: grouped bars, speed relative to the js baseline on a log axis.

const SERIES = [
  { label: 'posenc wasm-simd (module tensors)', keys: ['posenc-simd-resident'], color: '#1f6feb' },
  { label: 'posenc wasm-simd (Float32Array → out)', keys: ['posenc-simd-out'], color: '#79b8ff' },
  { label: 'posenc wasm scalar', keys: ['posenc-wasm-resident'], color: '#6f42c1' },
  { label: 'posenc js (baseline)', keys: ['js-out'], color: '#8b949e' },
  { label: 'tfjs-backend-wasm (resident)', keys: ['tfjs-wasm-resident'], color: '#f0883e' },
  { label: 'tfjs-backend-cpu (resident)', keys: ['tfjs-cpu-resident'], color: '#ffd33d' },
  { label: 'onnxruntime-web', keys: ['ort-resident', 'ort-e2e'], color: '#2ea043' },
  { label: 'numpy float32 (into out)', keys: ['numpy-f32-out'], color: '#db61a2' },
  { label: 'copy (Float32Array.set)', keys: ['copy'], color: '#24292f' },
];

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function svgChart({ cases, machine }) {
  const groups = cases.map((c) => ({
    c,
    bars: SERIES.map((s) => {
      const r = find(c, s.keys);
      const js = find(c, 'js-out');
      return r && js ? speedup(js, r) : NaN;
    }),
  })).filter((g) => g.bars.some(Number.isFinite));
  const barW = 9;
  const gap = 18;
  const groupW = SERIES.length * barW + gap;
  const left = 58;
  const top = 104;
  const plotH = 300;
  const width = Math.max(820, left + groups.length * groupW + 20);
  const height = top + plotH + 120;
  const vals = groups.flatMap((g) => g.bars).filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(0.1, ...vals))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(10, ...vals))));
  const y = (v) => top + plotH - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotH;
  const o = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="11">`);
  o.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  o.push(`<text x="${left}" y="18" font-size="14" font-weight="600">posenc: speed relative to the js baseline (log scale, higher is faster)</text>`);
  o.push(`<text x="${left}" y="34" fill="#57606a">${esc(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.date.slice(0, 10)}; ratios of medians of interleaved runs`)}</text>`);
  // Legend.
  SERIES.forEach((s, i) => {
    const lx = left + (i % 3) * 250;
    const ly = 54 + Math.floor(i / 3) * 15;
    o.push(`<rect x="${lx}" y="${ly - 8}" width="9" height="9" fill="${s.color}"/><text x="${lx + 13}" y="${ly}">${esc(s.label)}</text>`);
  });
  // Axis and grid.
  for (let e = Math.log10(lo); e <= Math.log10(hi) + 1e-9; e++) {
    const v = Math.pow(10, e);
    const yy = y(v).toFixed(1);
    o.push(`<line x1="${left}" x2="${width - 10}" y1="${yy}" y2="${yy}" stroke="${e === 0 ? '#8b949e' : '#d0d7de'}" stroke-dasharray="${e === 0 ? '4 3' : ''}"/>`);
    o.push(`<text x="${left - 6}" y="${(+yy + 4).toFixed(1)}" text-anchor="end" fill="#57606a">${v >= 1 ? v : v.toString()}×</text>`);
  }
  groups.forEach((g, gi) => {
    const gx = left + 10 + gi * groupW;
    g.bars.forEach((v, si) => {
      const x = gx + si * barW;
      if (!Number.isFinite(v) || v <= 0) {
        o.push(`<text x="${x + barW / 2}" y="${top + plotH - 3}" text-anchor="middle" font-size="8" fill="#8b949e">–</text>`);
        return;
      }
      const yy = y(v);
      const base = y(lo);
      o.push(`<rect x="${x}" y="${yy.toFixed(1)}" width="${barW - 1}" height="${(base - yy).toFixed(1)}" fill="${SERIES[si].color}"><title>${esc(`${g.c.title} — ${SERIES[si].label}: ${v.toPrecision(3)}× js`)}</title></rect>`);
    });
    const label = g.c.title.replace(/^table float32 /, 'table ').replace(/ float32/, '').replace(/, scale √\d+/, '').replace(/ \+ PE width (\d+)/, ' +$1');
    const cx = gx + (SERIES.length * barW) / 2;
    o.push(`<text x="${cx}" y="${top + plotH + 12}" text-anchor="end" transform="rotate(-35 ${cx} ${top + plotH + 12})">${esc(label)}</text>`);
  });
  o.push('</svg>');
  return o.join('\n') + '\n';
}
