import { useEffect, useRef, useState } from 'react';
import type { StationSignInResult } from '../../shared/supervisor/stationService';
import { useKioskText } from '../kiosk/i18n';
import { CredentialField, staffCredentialLimits, type CredentialFieldKind } from '../kiosk/staff/CredentialField';
import { NumericKeypad, typeDigit } from '../kiosk/staff/NumericKeypad';
import { useStationStore } from './stationContext';

/** As at a lane: an assistant number of 1–10 digits, a PIN of 4–8. */
const { maxIdLength, minPinLength, maxPinLength } = staffCredentialLimits;
/** A badge code as a scanner types it, e.g. `LW:A:1001-7F3K`: printable, short. */
const maxBadgeLength = 64;

type Field = CredentialFieldKind;
type Problem = Extract<StationSignInResult, { ok: false }>;

/**
 * Sign-in at the station: assistant number and PIN on the keypad (or a keyboard), or a staff
 * badge scanned into the badge field — a USB scanner types the code and Enter — then the PIN.
 * The badge field has the focus at first, so a scan works without touching the screen. The PIN
 * lives only here and is forgotten as soon as it has been sent.
 */
export function SignInScreen({ disabled }: { disabled: boolean }) {
  const { t } = useKioskText();
  const store = useStationStore();
  const [assistantId, setAssistantId] = useState('');
  const [badge, setBadge] = useState<string | null>(null);
  const [badgeText, setBadgeText] = useState('');
  const [pin, setPin] = useState('');
  const [field, setField] = useState<Field>('id');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const idRef = useRef<HTMLInputElement>(null);
  const pinRef = useRef<HTMLInputElement>(null);
  const badgeRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    badgeRef.current?.focus();
  }, []);

  const who = badge !== null ? { badge } : assistantId.length > 0 ? { assistantId } : null;
  const canSignIn = who !== null && pin.length >= minPinLength && !busy && !disabled;

  const signIn = async () => {
    if (!canSignIn || !who) return;
    const sentPin = pin;
    setPin('');
    setBusy(true);
    const result = await store.signIn({ ...who, pin: sentPin });
    setBusy(false);
    if (!result.ok) {
      setProblem(result);
      setField('pin');
      pinRef.current?.focus();
    }
  };

  const acceptBadge = () => {
    const code = badgeText.trim();
    if (code.length === 0) return;
    // Badges start with letters (`LW:A:`); digits alone are an assistant number typed on a keyboard.
    if (/^\d+$/u.test(code)) {
      setAssistantId(code.slice(0, maxIdLength));
      setBadge(null);
    } else {
      setBadge(code);
    }
    setBadgeText('');
    setProblem(null);
    setField('pin');
    pinRef.current?.focus();
  };

  const useNumber = () => {
    setBadge(null);
    setField('id');
    idRef.current?.focus();
  };

  const setValue = field === 'pin' ? setPin : setAssistantId;
  const maxLength = field === 'pin' ? maxPinLength : maxIdLength;

  const problemText = problem
    ? problem.problem === 'lockedOut'
      ? t('staff.signIn.problem.lockedOut', { minutes: Math.max(1, Math.ceil((problem.retryAfterMs ?? 0) / 60_000)) })
      : t(`staff.signIn.problem.${problem.problem}`)
    : null;

  return (
    <main className="st-signin" data-testid="station-signin">
      <div className="st-signin__card">
        <h1 className="st-signin__title">{t('station.signIn.title')}</h1>
        <div className="st-signin__body">
          <div className="st-signin__fields">
            <form
              className="st-signin__badge"
              onSubmit={(event) => {
                event.preventDefault();
                acceptBadge();
              }}
            >
              <label className="st-field">
                <span className="st-field__label">{t('station.signIn.badge')}</span>
                <input
                  ref={badgeRef}
                  className="st-field__input"
                  type="text"
                  autoComplete="off"
                  spellCheck={false}
                  maxLength={maxBadgeLength}
                  placeholder={t('station.signIn.badgeHint')}
                  data-testid="station-signin-badge"
                  value={badgeText}
                  onChange={(event) => setBadgeText(event.target.value)}
                />
              </label>
            </form>
            <form
              className="st-signin__form"
              onSubmit={(event) => {
                event.preventDefault();
                void signIn();
              }}
            >
              {badge !== null ? (
                <div className="st-signin__badge-read" role="status" data-testid="station-signin-badge-read">
                  <span>{t('station.signIn.badgeRead')}</span>
                  <button type="button" className="st-btn st-btn--small" data-testid="station-signin-use-number" onClick={useNumber}>
                    {t('station.signIn.useNumber')}
                  </button>
                </div>
              ) : (
                <CredentialField
                  kind="id"
                  label={t('staff.signIn.number')}
                  value={assistantId}
                  active={field === 'id'}
                  classBase="st-field"
                  testId="station-signin-id"
                  inputRef={idRef}
                  onFocus={() => setField('id')}
                  onChange={setAssistantId}
                />
              )}
              <CredentialField
                kind="pin"
                label={t('staff.signIn.pin')}
                value={pin}
                active={field === 'pin'}
                classBase="st-field"
                testId="station-signin-pin"
                inputRef={pinRef}
                onFocus={() => setField('pin')}
                onChange={setPin}
              />
              {problemText && (
                <p className="st-signin__problem" role="alert" data-testid="station-signin-problem" data-problem={problem?.problem}>
                  {problemText}
                </p>
              )}
              <button type="submit" className="st-btn st-btn--primary st-btn--wide" data-testid="station-signin-submit" disabled={!canSignIn}>
                {t('staff.signIn.submit')}
              </button>
            </form>
          </div>
          <NumericKeypad
            label={field === 'pin' ? t('staff.signIn.pin') : t('staff.signIn.number')}
            onDigit={(digit) => setValue((value) => typeDigit(value, digit, maxLength))}
            onBackspace={() => setValue((value) => value.slice(0, -1))}
            onClear={() => setValue('')}
          />
        </div>
      </div>
    </main>
  );
}
