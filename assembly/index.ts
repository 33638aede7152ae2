// The module's exports: raw-pointer kernels only. One kernel family per file.
export { alloc, free, heapBase } from './heap';
export { mathPow, mathExp, mathLog, mathSin, mathCos } from './math';
export { ctxNew, ctxOmega, ctxLayout, ctxFree } from './sincos';
export { sinusoidalTable } from './sinusoidal';
export { addSinusoidal, concatSinusoidal, addTable, concatTable } from './combine';
export { a32New, a32Table } from './angles32';
export { ropeTable, ropeTableAxes, ropeApply } from './rope';
export { grid2dTable } from './grid2d';
export { grid3dTable } from './grid3d';
export { gramInvNorms, gramBlock } from './gram';
export { alibiApply, relBiasDiag, relBiasRows } from './bias';
