// Lint: typescript-eslint's recommended type-aware rules over src/ and test/. Dev-only; nothing here
// is loaded by bin/monitor. `npm run lint` runs this and the Prettier check.

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts', 'vitest.galera.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // `_name` marks a parameter or binding kept for its position or to leave a key out of a rest.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Forwarding a caught error or an abort reason (typed unknown/any: whatever was thrown) is what
      // a promise wrapper must do; rejecting with a value of a known non-Error type is still reported.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  {
    // Plain JS (benchmarks, fixtures, this file): no type information to lint with.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        fetch: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'readonly',
      },
    },
  },
  {
    // Vitest types its asymmetric matchers (expect.any, expect.objectContaining, expect.stringMatching…)
    // as `any` so that they fit any typed position of an expected value; placing one in an object
    // literal is their purpose, not an unsafe assignment. The other no-unsafe-* rules stay on, so an
    // untyped JSON.parse result in a test is still caught where it is used.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    // Preloaded with `node --require`, so CommonJS is the only form these files can take.
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The dashboard's browser script: browser globals, and uPlot from its own <script> tag.
    files: ['src/web/assets/**/*.js'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        history: 'readonly',
        fetch: 'readonly',
        getComputedStyle: 'readonly',
        devicePixelRatio: 'readonly',
        setInterval: 'readonly',
        uPlot: 'readonly',
      },
    },
  },
);
