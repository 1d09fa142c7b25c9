// ESLint flat config: type-checked rules over every TypeScript file in the project, and the
// dependency rule of docs/architecture.md (layers import downwards only; adapters through their
// ports). Cycles, type-only imports included, are dependency-cruiser's (.dependency-cruiser.cjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

/**
 * The layers, lowest first. A layer may import the layers before it, never those after it.
 * `audit/store/` is the audit trail's SQLite adapter: it sits with the adapters, and only the
 * composition root (gateway/server, gateway/cli) and tests reach it.
 */
const LAYERS = [
  { name: 'policies', paths: ['./policies'] },
  { name: 'certs', paths: ['./certs'] },
  { name: 'audit', paths: ['./audit/*.ts'] },
  { name: 'config', paths: ['./gateway/config'] },
  { name: 'adapters', paths: ['./adapters', './audit/store'] },
  { name: 'observability', paths: ['./gateway/observability'] },
  { name: 'services', paths: ['./gateway/services'] },
  { name: 'http', paths: ['./gateway/http'] },
  { name: 'server', paths: ['./gateway/server'] },
  { name: 'cli', paths: ['./gateway/cli', './bin'] },
];
const OUTSIDE_THE_PRODUCT = ['./test', './bench'];

/** Services and HTTP see an adapter only through its port: the interfaces and errors it promises. */
const PORTS = [
  './dukcapil/port.ts',
  './sqlite/port.ts',
  './pcsc/profile.ts',
  './tsa/port.ts',
  './ikd/port.ts',
];

/** A folder's files, or (for `./audit/*.ts`) the files directly in it, as a target glob. */
const asTarget = (path) => (path.endsWith('.ts') ? path : `${path}/**`);
/** As a source to refuse, the whole folder: below the audit chain, audit/store is refused too. */
const asSource = (path) => path.replace(/\/\*\.ts$/, '');

/** One zone per refused folder, so that exceptions are named relative to it. */
const zone = (target, from, message, except) => ({
  target: target.map(asTarget),
  from: asSource(from),
  message,
  ...(except ? { except } : {}),
});

/** Each layer refuses every folder of the layers above it. */
const directionZones = LAYERS.flatMap((layer, index) =>
  [...new Set(LAYERS.slice(index + 1).flatMap((l) => l.paths.map(asSource)))].map((from) =>
    zone(
      layer.paths,
      from,
      `${layer.name} is below ${from.slice(2)} (docs/architecture.md, "The dependency rule").`,
    ),
  ),
);

/**
 * Services and HTTP code reach adapters through their ports; the composition root picks the
 * implementation. (A test is its own composition root: it may build a real store.)
 */
const portZones = LAYERS.filter((l) => l.name === 'services' || l.name === 'http').flatMap(
  (layer) => [
    zone(
      layer.paths,
      './adapters',
      `${layer.name} uses an adapter through its port only (adapters/*/port.ts); the composition root picks the implementation.`,
      PORTS,
    ),
    zone(
      layer.paths,
      './audit/store',
      `${layer.name} reaches the audit trail through its ports (audit/port.ts), not the SQLite store.`,
    ),
  ],
);

/** Product code never imports tests or the bench; a test beside its module may use test/helpers. */
const productZones = OUTSIDE_THE_PRODUCT.map((from) =>
  zone(
    LAYERS.flatMap((l) => l.paths),
    from,
    'Product code does not import tests or the bench.',
  ),
);

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'var/',
      'bench/results/',
      'coverage/',
      '.tmp/',
      '.dependency-cruiser.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [...directionZones, ...portZones, ...productZones],
        },
      ],
    },
  },
  {
    // A test beside its module keeps its module's direction. It may also use test/ helpers,
    // build real adapters (a test is its own composition root), and read the simulator's canary
    // residents, which are the API contract's data (API.md).
    files: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: directionZones.map((z) =>
            z.from === './adapters' ? { ...z, except: ['./dukcapil-sim/canaries.ts'] } : z,
          ),
        },
      ],
    },
  },
  {
    // Pure decisions: no package, no Node API (no clock, no file, no network); time is a parameter.
    files: ['policies/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: '^[^.]', message: 'policies/ is pure: it imports only policies/.' }],
        },
      ],
    },
  },
  {
    // The stateful layer knows nothing of HTTP.
    files: ['gateway/services/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['hono', 'hono/*', '@hono/*'], message: 'No HTTP in services.' }] },
      ],
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly' } },
  },
  {
    // Tests and the CLI talk to people on the console by design.
    files: ['**/*.test.ts', 'test/**', 'bench/**', 'gateway/cli/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
);
