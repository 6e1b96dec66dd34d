import type { SignInProblem } from '../../shared/checkout/events';
import type { AssistantRef } from '../../shared/checkout/sale';
import type { CommandRejection } from '../../shared/supervisor/protocol';

/**
 * What the lane refused, kept in the journal's `security_events` and reported to the hub's
 * audit trail. Plain data only: never a PIN, a badge code, a MAC or a command's full text.
 */
export type SecurityEvent =
  /** A command from the hub that failed authentication (MAC, lane, time, nonce) or policy (role). */
  | {
      readonly kind: 'commandRejected';
      readonly rejection: CommandRejection;
      readonly commandId?: string | undefined;
      /** Who the command claimed to come from: only known once its MAC checked out. */
      readonly by?: AssistantRef | null | undefined;
      readonly action?: string | undefined;
      readonly saleId?: string | null | undefined;
    }
  /** A sign-in at the lane that failed: a wrong PIN, an unknown number or badge, a locked-out assistant. */
  | { readonly kind: 'signInFailed'; readonly assistantId: string; readonly problem: SignInProblem; readonly badge?: boolean | undefined }
  /** A signed-in assistant asked for something beyond their role (`mayPerform`). */
  | { readonly kind: 'roleRefused'; readonly by: AssistantRef; readonly action: string; readonly saleId?: string | null | undefined }
  /** The hub refused this lane's sign-in: its credentials need re-provisioning by store IT. */
  | { readonly kind: 'laneRefusedByHub'; readonly reason: string };

export type SecurityEventKind = SecurityEvent['kind'];

export interface SecurityEventRow {
  readonly seq: number;
  readonly at: number;
  readonly event: SecurityEvent;
}
