import { useKioskText } from '../i18n';
import { BackspaceIcon } from '../lookupIcons';

/**
 * Big digit keys for staff entry (assistant number and PIN, amounts, prices, barcodes), laid
 * out like a card terminal: 1 2 3 at the top, 0 at the bottom between Clear and Delete. It only
 * reports presses: the field it types into keeps the value.
 */
export interface NumericKeypadProps {
  readonly onDigit: (digit: string) => void;
  readonly onBackspace: () => void;
  readonly onClear: () => void;
  /** What the keys type into, for screen readers (e.g. "PIN"). */
  readonly label?: string;
}

const rows = ['123', '456', '789'] as const;

export function NumericKeypad({ onDigit, onBackspace, onClear, label }: NumericKeypadProps) {
  const { t } = useKioskText();
  return (
    <div className="keypad" role="group" aria-label={label} data-testid="keypad">
      {rows.map((row) => (
        <div key={row} className="keypad__row">
          {[...row].map((digit) => (
            <button key={digit} type="button" className="key keypad__key" data-testid={`keypad-${digit}`} onClick={() => onDigit(digit)}>
              {digit}
            </button>
          ))}
        </div>
      ))}
      <div className="keypad__row">
        {/* "C" as on a card terminal's yellow key: the same in every language, so it fits the narrowest key. */}
        <button type="button" className="key keypad__key keypad__key--control" aria-label={t('staff.keypad.clear')} data-testid="keypad-clear" onClick={onClear}>
          C
        </button>
        <button type="button" className="key keypad__key" data-testid="keypad-0" onClick={() => onDigit('0')}>
          0
        </button>
        <button type="button" className="key keypad__key keypad__key--control" aria-label={t('staff.keypad.back')} data-testid="keypad-back" onClick={onBackspace}>
          <BackspaceIcon className="key__icon" />
        </button>
      </div>
    </div>
  );
}

/** The next value of a digits-only field after a key: at most `maxLength` digits. */
export function typeDigit(value: string, digit: string, maxLength: number): string {
  return value.length >= maxLength ? value : `${value}${digit}`;
}
