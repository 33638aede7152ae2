// A plain Vite app: `import 'posenc'` and nothing else (no wasm plugin, no config). The
// WebAssembly binaries are inside the package's JS, so any bundler takes them as they are.
import { init } from 'posenc';

const show = document.getElementById('table');

async function main() {
  const pe = await init(); // wasm-simd → wasm → js, by what this browser supports
  const length = 8;
  const dim = 8;
  const table = pe.sinusoidal({ preset: 'vaswani', length, dim });
  const rows = [];
  for (let r = 0; r < length; r++) rows.push(Array.from(table.subarray(r * dim, (r + 1) * dim), (v) => v.toFixed(6)).join(' '));
  document.getElementById('backend').textContent = pe.backend;
  show.textContent = rows.join('\n');
  // For test/browser/vite-example.e2e.test.ts: the raw numbers.
  document.body.dataset.result = JSON.stringify({ backend: pe.backend, table: Array.from(table) });
}

main().catch((e) => {
  show.textContent = String(e?.stack ?? e);
  document.body.dataset.error = String(e?.message ?? e);
});
