import type { CatalogEntity, CatalogEntityKind } from '../../../shared/store/catalogEntities';
import type { ProblemList } from './importProblems';

/** An entity with a value (imports never delete by naming; `--replace` does that). */
export type LiveEntity = { [E in CatalogEntity as E['kind']]: E & { readonly value: NonNullable<E['value']> } }[CatalogEntityKind];

/** An entity from a file, with where it was, for errors the cross-checks find later. */
export interface LocatedEntity {
  readonly entity: LiveEntity;
  /** The CSV row, or the line where the JSON value starts. */
  readonly line?: number;
  /** The JSON path, e.g. `items[12]`. */
  readonly path?: string;
}

/** A catalogue file read and checked on its own, before the store is looked at. */
export interface ParsedCatalogFile {
  readonly format: CatalogFileFormat;
  readonly entities: LocatedEntity[];
  /** The kinds the file speaks for: what `--replace` replaces (items for CSV; the sections present in JSON). */
  readonly kinds: readonly CatalogEntityKind[];
  readonly errors: ProblemList;
  readonly warnings: ProblemList;
}

export type CatalogFileFormat = 'csv' | 'json';

/** Where a problem about one field of an entity is: the CSV line and column, or the JSON line and path. */
export function locationOf(located: LocatedEntity, field?: { readonly json: string; readonly csv: string }): { line?: number; path?: string; field?: string } {
  const line = located.line !== undefined ? { line: located.line } : {};
  if (located.path !== undefined) return { ...line, path: field ? `${located.path}.${field.json}` : located.path, ...(field ? { field: field.json } : {}) };
  return { ...line, ...(field ? { field: field.csv } : {}) };
}
