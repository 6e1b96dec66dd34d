// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * Runtime layers (after VS Code's code-layering rule): a path says where code runs.
 *   shared/   → nothing of ours; no Node, no DOM, no Electron
 *   devices/  → shared/
 *   main/     → shared/, devices/
 *   renderer/ → shared/ only
 */
const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
// npm packages that only make sense in one runtime (after Signal Desktop's dependency lint).
const nodeOnlyPackages = ['serialport', '@serialport/*', 'node-hid', 'better-sqlite3', 'ws', 'pino', 'commander', 'iconv-lite', 'electron', '@point-of-sale/*'];
const domOnlyPackages = ['react-dom', 'react-dom/*'];

const layer = (from, forbidden, message) => ({ target: `./${from}`, from: forbidden.map((f) => `./${f}`), message });

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'var/', 'test-results/', 'playwright-report/', 'tests/artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            layer('shared', ['main', 'devices', 'renderer', 'bench', 'tests', 'scripts'], 'shared/ imports nothing of ours outside shared/.'),
            layer('devices', ['main', 'renderer', 'bench', 'tests', 'scripts'], 'devices/ may import only shared/.'),
            layer('main', ['renderer', 'bench', 'tests', 'scripts'], 'main/ may import only shared/ and devices/.'),
            layer('renderer', ['main', 'devices', 'bench', 'tests', 'scripts'], 'renderer/ may import only shared/.'),
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'shared/ runs everywhere: no Node built-ins.' })),
          patterns: [
            { group: [...nodeOnlyPackages, ...domOnlyPackages, 'react', 'react/*'], message: 'shared/ runs everywhere: no Node, DOM, Electron or UI packages.' },
          ],
        },
      ],
    },
  },
  {
    files: ['devices/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: [...domOnlyPackages, 'react', 'react/*'], message: 'devices/ runs in Node.' }] }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}', 'tests/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'renderer/ runs in a sandboxed browser: no Node built-ins.' })),
          patterns: [{ group: nodeOnlyPackages, message: 'renderer/ runs in a sandboxed browser: talk to the lane through the bridge.' }],
        },
      ],
    },
  },
);
