// Type-level test, checked by `npm run typecheck` (tsc --strict) and never run: the README's
// generation loop compiles, ropeStep returns nothing, and its options refuse rope's shape/offset.
import type { ModuleTensor, Posenc, RopeStepOptions } from '../../src/index.js';

export function decode(pe: Posenc, q: ModuleTensor, k: Float32Array, L: number): void {
  const rotary = { base: 500000, scaling: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 } } as const;
  for (let pos = L; pos < L + 4; pos++) {
    const none: void = pe.ropeStep(q, k, { qShape: [1, 32, 1, 128], kShape: [1, 8, 1, 128], position: pos, ...rotary });
    void none;
  }
  const o: RopeStepOptions = { qShape: [4, 32, 1, 128], kShape: [4, 8, 1, 128], positions: Int32Array.of(1, 2, 3, 4), layout: 'interleaved' };
  pe.ropeStep(q, k, o);
  // @ts-expect-error rope's shape is not a ropeStep option
  pe.ropeStep(q, k, { qShape: [1, 32, 1, 128], kShape: [1, 8, 1, 128], position: 0, shape: [1, 32, 1, 128] });
  // @ts-expect-error offset is rope's; ropeStep takes position
  pe.ropeStep(q, k, { qShape: [1, 32, 1, 128], kShape: [1, 8, 1, 128], offset: 3 });
}
