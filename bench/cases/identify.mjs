// identify: which encoding is a 2048×768 float32 table (the vaswani/DistilBERT table,
// float64 angles stored in float32)? Each row identifies the table and the check regenerates it
// from the options found; posenc's own table generation and a copy of the table's bytes are the
// scale. Target: ≤ 100 ms on wasm-simd.
import { copyImpl } from '../lib/impls.mjs';
import { vaswaniTable64 } from '../lib/reference.mjs';

export function identifyCase(length, dim, { id = `identify ${length}x${dim}` } = {}) {
  return {
    id, group: 'identify', title: `identify float32 ${length}×${dim} (vaswani table)`, shape: [length, dim],
    elements: length * dim, bytes: length * dim * 4, reps: 1,
    tolerance: 2 ** -22,
    primary: 'posenc-simd-identify',
    build(ctx) {
      const reference = vaswaniTable64(length, dim);
      const table = Float32Array.from(reference);
      const impl = (backend, key, label) => {
        const pe = ctx.posenc[backend];
        if (typeof pe === 'string' || !pe) return { key, label, kind: 'posenc', mode: 'identify', unavailable: pe || `backend ${backend} not loaded` };
        return {
          key, label, kind: key.startsWith('js') ? 'baseline' : 'posenc', mode: 'identify',
          setup() {
            let last = null;
            return {
              run: () => { last = pe.identify(table, { dim }); },
              // The check: the options found regenerate the table.
              result: () => {
                if (last.kind !== 'sinusoidal') throw new Error(`identified as ${last.kind}`);
                return pe.sinusoidal({ length, dim, ...last.options });
              },
            };
          },
        };
      };
      const simd = ctx.posenc['wasm-simd'];
      return {
        reference,
        primary: 'posenc-simd-identify',
        impls: [
          impl('wasm-simd', 'posenc-simd-identify', 'posenc wasm-simd · identify'),
          impl('wasm', 'posenc-wasm-identify', 'posenc wasm (scalar) · identify'),
          impl('js', 'js-identify', 'posenc js · identify'),
          {
            key: 'posenc-simd-table', label: 'posenc wasm-simd · the table itself, into out', kind: 'ref', mode: 'into out',
            setup() {
              const out = new Float32Array(length * dim);
              return { run: () => simd.sinusoidal({ length, dim, out }), result: () => out };
            },
          },
          copyImpl(length * dim),
        ],
        notes: ['identify estimates from a few rows, screens candidates on 64 rows, then regenerates the best ones in full'],
      };
    },
  };
}

export function identifyCases({ quick }) {
  return [identifyCase(quick ? 512 : 2048, quick ? 512 : 768)];
}
