// `make lint` runs this on the build script, the test runner and this file. The page's own sources are
// TypeScript: `tsc --strict` checks them, Prettier formats them, and page.mk refuses markup from strings.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['dist/', 'node_modules/', '.test-build/'] },
  js.configs.recommended,
  {
    files: ['build.mjs', 'test/**/*.mjs', 'eslint.config.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.node },
  },
  {
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: 'error',
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
];
