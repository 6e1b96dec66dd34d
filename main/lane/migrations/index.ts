import type { Migration } from '../../db/database';
import { migration0001Journal } from './0001_journal';
import { migration0002ItemWeights } from './0002_item_weights';
import { migration0003AssistantActions } from './0003_assistant_actions';
import { migration0004SuspendedSales } from './0004_suspended_sales';
import { migration0005SupervisorSecurity } from './0005_supervisor_security';
import { migration0006OutboxUpload } from './0006_outbox_upload';
import { migration0007OutboxFlaggedIndex } from './0007_outbox_flagged_index';

export const journalMigrations: readonly Migration[] = [
  migration0001Journal,
  migration0002ItemWeights,
  migration0003AssistantActions,
  migration0004SuspendedSales,
  migration0005SupervisorSecurity,
  migration0006OutboxUpload,
  migration0007OutboxFlaggedIndex,
];
