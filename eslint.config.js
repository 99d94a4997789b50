// The lint rules `npm test` enforces (npm run lint). typescript-eslint's recommended set (syntax only, no type
// information, so it runs in seconds), plus a few rules this codebase keeps; see docs/ARCHITECTURE.md for the
// layering rules, which test/architecture.test.ts checks.
import { js, tseslint } from 'memwhy-lint-tools';

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'build/', '.tmp/', 'node_modules/', 'tools/lint/node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs,cjs}'],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: {
        // Node's globals, as the code runs on Node only.
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        clearImmediate: 'readonly',
        queueMicrotask: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        fetch: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
        performance: 'readonly',
        NodeJS: 'readonly',
        __dirname: 'readonly',
        __filename: 'readonly',
        require: 'readonly',
        module: 'writable',
      },
    },
    rules: {
      // `==` hides the null/undefined/number mix-ups the analysis cannot afford; `x == null` stays allowed.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Type-only imports stay type-only, so the architecture test and esbuild see the real runtime graph.
      // (`typeof import('…')` stays allowed: it types a lazy import without loading the module.)
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      // Unused names are mistakes, except a deliberate `_name`.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // `x!` is used where a regex group or a checked lookup is known to be there: kept, not banned.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // An empty `catch {}` is a deliberate "ignore"; an empty block elsewhere is not.
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Terminal escapes and frame bytes are this tool's business: regexes with control characters are meant.
      'no-control-regex': 'off',
      // Column-aligned output is matched with literal spaces; `{4}` would not read better.
      'no-regex-spaces': 'off',
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
  {
    // Tests may step through states (`f = await frame()` read only by the next assertion) and type loosely.
    files: ['test/**/*.{ts,tsx}', 'bench/**/*.ts'],
    rules: {
      'no-useless-assignment': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // A function longer than a screen does several things: split it by concern, with names that say what each
    // part does (counting every line, blank and comment lines too, as a reader sees them). Source only: in test/
    // a describe() callback is one function spanning all its tests, which is what it is for; bench/run.ts's
    // main() is a script of measurements run in order, not yet split.
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true }],
    },
  },
  {
    // The bundle's chunk loader: CommonJS text put into the bundle after the chunk data, its index and the build id.
    files: ['scripts/sea-chunk-loader.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        __memwhyData: 'readonly',
        __memwhyIndex: 'readonly',
        __memwhyBuild: 'readonly',
        __importMetaUrl: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Output goes through injected streams; only the CLI entry and scripts may use the console.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/cli/**'],
    rules: { 'no-console': 'error' },
  },
);
