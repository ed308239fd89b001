// ESLint (flat config), run by `npm test` (test/run.mjs) beside Prettier's check and svelte-check:
// JavaScript's and typescript-eslint's recommended rules, and eslint-plugin-svelte's for components.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
  { ignores: ['node_modules/', 'build/', '.svelte-kit/', 'test-results/', 'test/fuzz/corpus/', 'test/fuzz/regressions/', 'test/fuzz/fixtures/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  { languageOptions: { globals: { ...globals.browser, ...globals.node } } },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig } }
  },
  {
    rules: {
      // `_name` marks a parameter a signature needs but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `ok && act()` and `cond ? a() : b()` are statements here on purpose.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // Plenary is served at the root (no `paths.base`), so a plain href is the resolved one.
      'svelte/no-navigation-without-resolve': 'off',
      // Plain Map/Set/URL in components are built inside $derived (a new one each time) or are
      // caches that must not be reactive; state that changes in place is $state or a SvelteMap.
      'svelte/prefer-svelte-reactivity': 'off',
      // `{' '}` keeps a space between inline elements that a line break would otherwise drop.
      'svelte/no-useless-mustaches': 'off'
    }
  },
  {
    // Tests read untyped JSON from the wire and poke at internals on purpose.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' }
  }
);
