import type { Db } from '../db/database';
import { AssistantDirectory } from './assistantDirectory';

/** The demo store's staff. Their PINs and badge codes are in the source: demo data only. */
export const demoAssistants = [
  { id: '1001', name: 'Anna Bērziņa', role: 'assistant', pin: '1234', badge: 'LW:A:1001-7F3K' },
  { id: '1002', name: 'Ivan Petrov', role: 'supervisor', pin: '2468', badge: 'LW:A:1002-Q9ZD' },
] as const;

/** Adds the demo assistants to an empty directory; one that has anyone in it is left as it is. */
export async function ensureDemoAssistants(db: Db): Promise<void> {
  const { n } = db.prepare('SELECT count(*) AS n FROM assistants').get() as { n: number };
  if (n > 0) return;
  const directory = new AssistantDirectory(db);
  for (const assistant of demoAssistants) await directory.upsert(assistant);
}
