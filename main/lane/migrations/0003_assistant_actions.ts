import type { Migration } from '../../db/database';

/**
 * Everything an assistant did at or for this lane — who, what, when, from where — as its own
 * table, so shift reports and audits read it without replaying the event journal. Written in
 * the same transaction as the event that did it.
 */
export const migration0003AssistantActions: Migration = {
  version: 3,
  name: 'assistant actions audit',
  up(db) {
    db.exec(`
      CREATE TABLE assistant_actions (
        seq          INTEGER PRIMARY KEY,
        at           INTEGER NOT NULL,
        assistant_id TEXT NOT NULL,
        assistant    TEXT NOT NULL,
        role         TEXT NOT NULL CHECK (role IN ('assistant', 'supervisor')),
        via          TEXT NOT NULL CHECK (via IN ('lane', 'supervisor')),
        action       TEXT NOT NULL,
        sale_id      TEXT,
        detail       TEXT CHECK (detail IS NULL OR json_valid(detail)),
        event_seq    INTEGER NOT NULL REFERENCES events (seq)
      );
      CREATE INDEX assistant_actions_by_sale ON assistant_actions (sale_id) WHERE sale_id IS NOT NULL;
    `);
  },
};
