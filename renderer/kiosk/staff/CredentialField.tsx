import type { Ref } from 'react';

/** What the bridge accepts (shared/bridge/uiEventSchema.ts): an assistant number of 1–10 digits, a PIN of 4–8. */
export const staffCredentialLimits = { maxIdLength: 10, minPinLength: 4, maxPinLength: 8 } as const;

export type CredentialFieldKind = 'id' | 'pin';

const maxLengthOf = (kind: CredentialFieldKind) => (kind === 'pin' ? staffCredentialLimits.maxPinLength : staffCredentialLimits.maxIdLength);

/** Keeps digits only, up to the field's length: a keyboard or a pasted value cannot smuggle in anything else. */
export function credentialDigits(kind: CredentialFieldKind, text: string): string {
  return text.replace(/\D/gu, '').slice(0, maxLengthOf(kind));
}

/**
 * One staff credential field (assistant number or PIN), shared by the lane's sign-in pad and
 * the station's sign-in screen. The on-screen keypad types into it, so the system keyboard
 * stays away (`inputMode="none"`); a PIN is masked and never autofilled.
 */
export function CredentialField({
  kind,
  label,
  value,
  active,
  classBase,
  testId,
  inputRef,
  onFocus,
  onChange,
}: {
  kind: CredentialFieldKind;
  label: string;
  value: string;
  active: boolean;
  /** The screen's field class: `staff-field` at a lane, `st-field` at the station. */
  classBase: string;
  testId: string;
  inputRef: Ref<HTMLInputElement>;
  onFocus(): void;
  onChange(value: string): void;
}) {
  return (
    <label className={active ? `${classBase} ${classBase}--active` : classBase}>
      <span className={`${classBase}__label`}>{label}</span>
      <input
        ref={inputRef}
        className={`${classBase}__input`}
        type={kind === 'pin' ? 'password' : 'text'}
        inputMode="none"
        autoComplete="off"
        spellCheck={false}
        maxLength={maxLengthOf(kind)}
        data-testid={testId}
        value={value}
        onFocus={onFocus}
        onChange={(event) => onChange(credentialDigits(kind, event.target.value))}
      />
    </label>
  );
}
