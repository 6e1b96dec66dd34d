// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import lanewise from './eslint/layers.js';

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

const root = dirname(fileURLToPath(import.meta.url));

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'var/', 'test-results/', 'playwright-report/', 'tests/artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { lanewise },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      'lanewise/layers': [
        'error',
        {
          root,
          allowed: {
            shared: [],
            devices: ['shared'],
            main: ['shared', 'devices'],
            renderer: ['shared'],
          },
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
