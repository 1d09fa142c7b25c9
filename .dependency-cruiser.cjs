// The import graph has no cycles, type-only imports included: a module that needs a type from
// its own importer shows that the type lives in the wrong place. This is the second half of
// `npm run lint`; the layer rule is ESLint's import-x/no-restricted-paths (eslint.config.js).
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle in the import graph, type-only imports included (docs/architecture.md).',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|var|coverage|bench/results|test/fixtures)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
