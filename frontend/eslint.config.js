// `make lint` runs this on the page sources, the build script and the node tests.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  {
    files: ['src/**/*.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser, BURNER_MODULE: 'readonly' },
    },
  },
  {
    files: ['build.mjs', 'test/**/*.js', 'eslint.config.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.node },
  },
  {
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      // Text from the chain or IPFS must never become markup.
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Render text with textContent / dom.h().' },
        { property: 'outerHTML', message: 'Render text with textContent / dom.h().' },
        { object: 'document', property: 'write', message: 'No document.write.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: 'Render text with dom.h().' },
      ],
    },
  },
];
