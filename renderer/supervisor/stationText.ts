import type { BaggingMismatch } from '../../shared/checkout/baggingArea';
import { deviceRoles, type DeviceFault, type DeviceRole } from '../../shared/devices';
import { deviceRoleKey, type TranslateFn } from '../../shared/i18n';
import { languages, type Language } from '../../shared/i18n/languages';
import { auditActionKey } from '../../shared/i18n/stationTerms';
import { interventionKinds, unreadableInputProblem, type InterventionKind } from '../../shared/supervisor/laneStatus';
import type { CommandRejection } from '../../shared/supervisor/protocol';
import type { RemoteAction } from '../../shared/supervisor/remoteActions';
import type { QueuedIntervention } from '../../shared/supervisor/stationService';
import { nameIn } from './format';

const mismatchKinds: readonly string[] = ['unexpectedItem', 'itemRemoved', 'notBagged', 'notRemoved'] satisfies readonly BaggingMismatch['kind'][];

export function isInterventionKind(kind: string): kind is InterventionKind {
  return (interventionKinds as readonly string[]).includes(kind);
}

const commandReasons: ReadonlySet<string> = new Set<CommandRejection | 'laneError' | 'notConnected'>([
  'badMac',
  'malformed',
  'wrongLane',
  'expired',
  'notYetValid',
  'replayed',
  'forbidden',
  'staleSale',
  'laneError',
  'notConnected',
]);

/** Why a command was not carried out, in words; a reason this build does not know (a newer lane) as sent. */
export function commandReasonText(t: TranslateFn, reason: string): string {
  return commandReasons.has(reason) ? t(`station.reason.${reason as CommandRejection | 'laneError' | 'notConnected'}`) : reason;
}

/** "Age check", "Weight mismatch", … or the kind as sent, for one this build does not know. */
export function interventionName(t: TranslateFn, kind: string): string {
  return isInterventionKind(kind) ? t(`station.intervention.${kind}`) : kind;
}

/** What else the assistant needs to know about an intervention: the item, the age, the device. */
export function interventionDetail(t: TranslateFn, language: Language, item: Pick<QueuedIntervention, 'kind' | 'itemName' | 'detail'>): string | null {
  const name = nameIn(item.itemName, language);
  switch (item.kind) {
    case 'ageCheck': {
      const age = item.detail && /^\d{1,2}$/u.test(item.detail) ? t('station.queue.age', { age: item.detail }) : null;
      return [name, age].filter(Boolean).join(', ') || null;
    }
    case 'weightMismatch':
      return item.detail && mismatchKinds.includes(item.detail) ? t(`bagging.${item.detail as BaggingMismatch['kind']}.title`) : null;
    case 'voidApproval':
      return name;
    case 'deviceFault':
      return item.detail ? deviceDetail(t, item.detail) : null;
    case 'storeBacklog':
      return item.detail && /^\d{1,9}$/u.test(item.detail) ? t('station.queue.unsentSales', { count: Number(item.detail) }) : null;
    default:
      return item.detail ?? name;
  }
}

const deviceFaults: readonly string[] = ['paperEnd', 'coverOpen', 'printerOffline', 'cutterError', 'unrecoverableError', 'notResponding', 'scaleError'] satisfies readonly DeviceFault[];
const deviceStates: readonly string[] = ['closed', 'connecting', 'lost'];

/**
 * A lane's device problems as it reports them (`printer: coverOpen, paperEnd; scanner: lost`,
 * `scanner: unreadable input`, see shared/supervisor/laneStatus.ts) in words; anything this
 * build does not know stays as sent.
 */
export function deviceDetail(t: TranslateFn, detail: string): string {
  return detail
    .split('; ')
    .map((part) => {
      const [role, problems] = part.split(': ');
      if (!role || problems === undefined || !(deviceRoles as readonly string[]).includes(role)) return part;
      const words = problems.split(', ').map((problem) => {
        if (deviceFaults.includes(problem)) return t(`device.fault.${problem as DeviceFault}`);
        if (deviceStates.includes(problem)) return t(`device.status.${problem as 'closed' | 'connecting' | 'lost'}`);
        if (problem === unreadableInputProblem) return t('device.unreadableInput');
        return problem;
      });
      return t('outOfService.deviceProblem', { device: t(deviceRoleKey(role as DeviceRole)), problem: words.join(', ') });
    })
    .join('; ');
}

/** The words for a command: "Remove line" for a quantity of 0, otherwise the action's name. */
export function actionName(t: TranslateFn, action: RemoteAction): string {
  const key = auditActionKey(action.kind === 'setQuantity' && action.quantity === 0 ? 'voidLine' : action.kind);
  return key ? t(key) : action.kind;
}

/** The language a station starts in: the last one chosen on this device, else the browser's, else English. */
export function preferredLanguage(stored: string | null, browserLanguages: readonly string[]): Language {
  const candidates = [stored, ...browserLanguages].filter((value): value is string => typeof value === 'string');
  for (const candidate of candidates) {
    const base = candidate.toLowerCase().split('-')[0];
    const match = languages.find((language) => language === base);
    if (match) return match;
  }
  return 'en';
}
