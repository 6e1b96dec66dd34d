import { useEffect, useRef, useState } from 'react';
import type { SignInPad } from '../../../shared/checkout/context';
import { Button, type Send } from '../components';
import { InfoIcon, WarningIcon } from '../icons';
import { useKioskText } from '../i18n';
import { CredentialField, staffCredentialLimits, type CredentialFieldKind } from './CredentialField';
import { NumericKeypad, typeDigit } from './NumericKeypad';

const { maxIdLength, minPinLength, maxPinLength } = staffCredentialLimits;

type Field = CredentialFieldKind;

/**
 * The staff sign-in pad (`context.signIn` is set), over whatever the lane shows. The number
 * and PIN live only here, in local state: the lane's view never holds a PIN, and the PIN is
 * cleared as soon as it has been sent and again when the lane answers with a problem.
 */
export function SignInDialog({ pad, send }: { pad: SignInPad; send: Send }) {
  const { t } = useKioskText();
  const [assistantId, setAssistantId] = useState(pad.assistantId ?? '');
  const [pin, setPin] = useState('');
  const [field, setField] = useState<Field>(pad.assistantId ? 'pin' : 'id');
  const idRef = useRef<HTMLInputElement>(null);
  const pinRef = useRef<HTMLInputElement>(null);

  // A badge scanned while the pad is open fills in the number; the PIN is next.
  const [badge, setBadge] = useState(pad.assistantId);
  if (badge !== pad.assistantId) {
    setBadge(pad.assistantId);
    if (pad.assistantId) {
      setAssistantId(pad.assistantId);
      setField('pin');
    }
  }
  // The lane answered an attempt: never keep a PIN that was sent.
  const answer = `${pad.problem ?? ''}:${pad.retryAfterMs ?? ''}`;
  const [lastAnswer, setLastAnswer] = useState(answer);
  if (lastAnswer !== answer) {
    setLastAnswer(answer);
    setPin('');
    setField('pin');
  }

  useEffect(() => {
    (field === 'pin' ? pinRef : idRef).current?.focus();
  }, [field]);

  const setValue = field === 'pin' ? setPin : setAssistantId;
  const maxLength = field === 'pin' ? maxPinLength : maxIdLength;
  const canSignIn = assistantId.length > 0 && pin.length >= minPinLength;

  const signIn = () => {
    if (!canSignIn) return;
    send({ type: 'ui.assistantSignIn', assistantId, pin });
    setPin('');
    setField('pin');
  };

  const problem = pad.problem
    ? pad.problem === 'lockedOut'
      ? t('staff.signIn.problem.lockedOut', { minutes: Math.max(1, Math.ceil((pad.retryAfterMs ?? 0) / 60_000)) })
      : t(`staff.signIn.problem.${pad.problem}`)
    : null;

  return (
    <div className="modal-backdrop modal-backdrop--staff">
      <div className="modal modal--info staff-sign-in" role="dialog" aria-modal="true" aria-labelledby="staff-sign-in-title" data-testid="sign-in">
        <div className="modal__head">
          <InfoIcon className="modal__icon" />
          <h2 id="staff-sign-in-title" className="modal__title">
            {t('staff.signIn.title')}
          </h2>
        </div>
        <div className="staff-sign-in__body">
          <form
            className="staff-sign-in__fields"
            onSubmit={(event) => {
              event.preventDefault();
              signIn();
            }}
          >
            <CredentialField
              kind="id"
              label={t('staff.signIn.number')}
              value={assistantId}
              active={field === 'id'}
              classBase="staff-field"
              testId="staff-id"
              inputRef={idRef}
              onFocus={() => setField('id')}
              onChange={setAssistantId}
            />
            <CredentialField
              kind="pin"
              label={t('staff.signIn.pin')}
              value={pin}
              active={field === 'pin'}
              classBase="staff-field"
              testId="staff-pin"
              inputRef={pinRef}
              onFocus={() => setField('pin')}
              onChange={setPin}
            />
            <p className="staff-sign-in__hint">{t('staff.signIn.badgeHint')}</p>
            {problem && (
              <p className="staff-sign-in__problem" role="alert" data-testid="sign-in-problem" data-problem={pad.problem}>
                <WarningIcon className="staff-sign-in__problem-icon" />
                {problem}
              </p>
            )}
          </form>
          <NumericKeypad
            label={field === 'pin' ? t('staff.signIn.pin') : t('staff.signIn.number')}
            onDigit={(digit) => setValue((value) => typeDigit(value, digit, maxLength))}
            onBackspace={() => setValue((value) => value.slice(0, -1))}
            onClear={() => setValue('')}
          />
        </div>
        <div className="modal__actions">
          <Button testId="staff-sign-in-cancel" onPress={() => send({ type: 'ui.closeSignIn' })}>
            {t('staff.signIn.cancel')}
          </Button>
          <Button testId="staff-sign-in" variant="primary" disabled={!canSignIn} onPress={signIn}>
            {t('staff.signIn.submit')}
          </Button>
        </div>
      </div>
    </div>
  );
}
