// @ts-check
import { dirname, relative, resolve, sep } from 'node:path';

/**
 * ESLint rule `lanewise/layers`: a file may import project code only from the layers its
 * runtime may use (after VS Code's code-layering rule). Imports between our folders are
 * relative paths, so resolving them needs no module resolver.
 *
 * Options: { root: string, allowed: { [layer: string]: string[] } } — a layer is a top-level
 * folder; a file in layer L may import from L itself and from allowed[L].
 */
export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'enforce which top-level folders a layer may import from' },
    schema: [
      {
        type: 'object',
        properties: { root: { type: 'string' }, allowed: { type: 'object' } },
        required: ['root', 'allowed'],
        additionalProperties: false,
      },
    ],
    messages: {
      forbidden: '{{from}}/ may not import from {{to}}/ (allowed: {{allowed}}).',
    },
  },
  create(context) {
    const { root, allowed } = context.options[0];
    const layerOf = (/** @type {string} */ file) => {
      const path = relative(root, file);
      if (path.startsWith('..')) return undefined;
      const top = path.split(sep)[0];
      return top && top in allowed ? top : undefined;
    };
    const from = layerOf(context.filename);
    if (!from) return {};
    const check = (/** @type {any} */ node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = layerOf(resolve(dirname(context.filename), source));
      if (!to || to === from || allowed[from].includes(to)) return;
      context.report({ node: node.source, messageId: 'forbidden', data: { from, to, allowed: allowed[from].join(', ') || 'none' } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default { rules: { layers: layersRule } };
