// The layers of src/ (docs/architecture.md), checked by `npm test` (npm run check:layers):
//   api  →  families (sinusoidal, grid, rope, positions, analysis, …)  →  runtime  →  core
// Imports go down, never up; a family reaches another family only through its index.ts (or its public
// types.ts); type-only imports count (they are design dependencies too).
const FAMILIES = '(sinusoidal|grid|rope|positions|analysis|model|bias)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle in src/: two modules that need each other cannot be read, tested or moved apart.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'core-is-the-bottom',
      comment: 'src/core/ (validation, tensors, encodings, float32 chains) imports nothing else of src/.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'runtime-below-families',
      comment: 'src/runtime/ (loader, wasm core, threads, row cache) knows no family: it imports only core.',
      severity: 'error',
      from: { path: '^src/runtime/' },
      to: { path: '^src/', pathNot: '^src/(runtime|core)/' },
    },
    {
      name: 'nothing-imports-api',
      comment: 'src/api/ (the facade, init, public types) sits on top: families, analysis, runtime and core never import it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(api/|index\\.ts$)' },
      to: { path: '^src/(api/|index\\.ts$)' },
    },
    {
      name: 'family-through-its-index',
      comment: 'A family reaches another family only through that family\'s index.ts (its small interface) or its public types.ts, never its internals.',
      severity: 'error',
      from: { path: `^src/${FAMILIES}/` },
      to: { path: `^src/${FAMILIES}/`, pathNot: [`^src/$1/`, `^src/${FAMILIES}/(index|types)\\.ts$`] },
    },
    {
      name: 'src-is-the-library',
      comment: 'src/ is what ships: it never imports tests, benchmarks, the demo or scripts.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|demo|scripts|examples)/' },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that resolves to nothing is a broken build.',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/runtime/wasm/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
