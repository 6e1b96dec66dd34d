import { readFile, stat } from 'node:fs/promises';
import { entityKey, parseEntityValue, type CatalogEntityKind } from '../../../shared/store/catalogEntities';
import { ProblemList } from './importProblems';
import { JsonLineIndex, lineAtOffset } from './jsonLines';
import type { LiveEntity, LocatedEntity, ParsedCatalogFile } from './parsedCatalog';

/** The JSON file's sections and the entity kind each holds; `settings` is one object, the rest arrays. */
export const jsonSections = {
  settings: 'settings',
  vatClasses: 'vatClass',
  items: 'item',
  promotions: 'promotion',
  coupons: 'coupon',
  assistants: 'assistant',
} as const satisfies Record<string, CatalogEntityKind>;
export type JsonSection = keyof typeof jsonSections;

/** The section a kind is written under (the reverse of `jsonSections`). */
export const sectionOfKind = Object.fromEntries(Object.entries(jsonSections).map(([section, kind]) => [kind, section])) as Record<CatalogEntityKind, JsonSection>;

/** Past this a JSON file will not fit in one string; CSV streams and has no such limit. */
const maxJsonBytes = 400 * 1024 * 1024;

/** `items[12].name.en` from a section, an index and a schema issue's path. */
export function jsonPath(section: string, index: number | undefined, path: readonly PropertyKey[] = []): string {
  let text = index === undefined ? section : `${section}[${index}]`;
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  return text;
}

/**
 * Fields the schema does not know: zod drops them silently, so a misspelt optional field
 * ("agelimit") would vanish; here it is an error instead. Compares what was given with what the
 * schema kept, at every level.
 */
function unknownFields(given: unknown, kept: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(given) && Array.isArray(kept)) return given.flatMap((element, index) => unknownFields(element, kept[index], [...path, index]));
  if (!given || typeof given !== 'object' || Array.isArray(given) || !kept || typeof kept !== 'object') return [];
  const keptFields = kept as Record<string, unknown>;
  return Object.entries(given as Record<string, unknown>).flatMap(([field, value]) =>
    field in keptFields ? unknownFields(value, keptFields[field], [...path, field]) : value === undefined ? [] : [[...path, field]],
  );
}

/**
 * Reads a JSON catalogue: `{ "settings": {…}, "vatClasses": […], "items": […], "promotions": […],
 * "coupons": […], "assistants": […] }`, each value in exactly its entity's shape (money in minor
 * units). Every section is optional; the ones present are what `--replace` replaces.
 */
export async function readJsonCatalog(file: string): Promise<ParsedCatalogFile> {
  const errors = new ProblemList();
  const warnings = new ProblemList();
  const entities: LocatedEntity[] = [];
  const kinds: CatalogEntityKind[] = [];
  const result: ParsedCatalogFile = { format: 'json', entities, kinds, errors, warnings };

  const { size } = await stat(file);
  if (size > maxJsonBytes) {
    errors.add({ message: `${Math.round(size / 1024 / 1024)} MB is too large for a JSON import (at most ${maxJsonBytes / 1024 / 1024} MB); import the items as CSV` });
    return result;
  }
  const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/u, '');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/u.exec(message);
    errors.add({ ...(position ? { line: lineAtOffset(text, Number(position[1])) } : {}), message: `not valid JSON: ${message}` });
    return result;
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    errors.add({ line: 1, message: `the file must hold one object with the sections ${Object.keys(jsonSections).join(', ')}` });
    return result;
  }
  const lines = new JsonLineIndex(text);
  const at = (section: string, index?: number) => {
    const line = lines.lineOf(section, index);
    return line === undefined ? {} : { line };
  };

  for (const [section, content] of Object.entries(document as Record<string, unknown>)) {
    if (!(section in jsonSections)) {
      errors.add({ ...at(section), path: section, message: `unknown section "${section}" (the sections are ${Object.keys(jsonSections).join(', ')})` });
      continue;
    }
    const kind = jsonSections[section as JsonSection];
    kinds.push(kind);
    if (kind === 'settings') {
      const entity = readEntity(kind, content, section, undefined, at(section), errors);
      if (entity) entities.push({ entity, path: section, ...at(section) });
      continue;
    }
    if (!Array.isArray(content)) {
      errors.add({ ...at(section), path: section, message: 'must be an array' });
      continue;
    }
    content.forEach((value: unknown, index) => {
      const where = at(section, index);
      const entity = readEntity(kind, value, section, index, where, errors);
      if (entity) entities.push({ entity, path: jsonPath(section, index), ...where });
    });
  }
  return result;
}

function readEntity(kind: CatalogEntityKind, value: unknown, section: string, index: number | undefined, where: { line?: number }, errors: ProblemList): LiveEntity | undefined {
  const parsed = parseEntityValue(kind, value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[issue.path.length - 1];
      errors.add({ ...where, path: jsonPath(section, index, issue.path), ...(field !== undefined ? { field: String(field) } : {}), message: issue.message });
    }
    return undefined;
  }
  const unknown = unknownFields(value, parsed.data);
  for (const path of unknown) errors.add({ ...where, path: jsonPath(section, index, path), field: String(path[path.length - 1]), message: 'unknown field' });
  if (unknown.length > 0) return undefined;
  return { kind, key: entityKey({ kind, value: parsed.data }), value: parsed.data } as LiveEntity;
}
