import type { Migration } from '../../db/database';
import { migration0001Lanes } from './0001_lanes';
import { migration0002Audit } from './0002_audit';
import { migration0003ReportFacts } from './0003_report_facts';

export const hubMigrations: readonly Migration[] = [migration0001Lanes, migration0002Audit, migration0003ReportFacts];
