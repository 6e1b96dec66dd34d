import type { Language } from '../../shared/i18n/languages';
import { useKioskText } from './i18n';
import { BackspaceIcon, HideKeyboardIcon } from './lookupIcons';

/**
 * Keys for the item search on a touch kiosk, which has no keyboard of its own. Latin serves
 * Latvian too (the lane's search folds ā to a, č to c, so nobody needs the long marks), one
 * Cyrillic layout serves Russian and Bulgarian (ЙЦУКЕН has every letter of both; ё is found
 * as е), and digits are for PLU codes and barcode numbers.
 */
export type KeyboardLayout = 'latin' | 'cyrillic' | 'digits';

const letterRows: Readonly<Record<KeyboardLayout, readonly string[]>> = {
  latin: ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'],
  cyrillic: ['йцукенгшщзхъ', 'фывапролджэ', 'ячсмитьбю'],
  // A telephone keypad, as on a card terminal; 0 sits on the bottom row where the space bar would be.
  digits: ['123', '456', '789'],
};

/**
 * What the layout buttons show: a sample of each script (the same in every language, like the
 * letters on the keys), with a translated name for screen readers.
 */
const layoutFaces: Readonly<Record<KeyboardLayout, string>> = { latin: 'ABC', cyrillic: 'АБВ', digits: '123' };
const layoutNames = { latin: 'keyboard.showLatin', cyrillic: 'keyboard.showCyrillic', digits: 'keyboard.showDigits' } as const;
const layouts: readonly KeyboardLayout[] = ['latin', 'cyrillic', 'digits'];

/** The letters a shopper reading `language` most likely types. */
export function layoutFor(language: Language): KeyboardLayout {
  return language === 'ru' || language === 'bg' ? 'cyrillic' : 'latin';
}

export interface OnScreenKeyboardProps {
  readonly layout: KeyboardLayout;
  /** A letter, a digit or a space. */
  readonly onType: (text: string) => void;
  readonly onBackspace: () => void;
  readonly onClear: () => void;
  readonly onLayout: (layout: KeyboardLayout) => void;
  /** Folds the keyboard away, giving its room back to the items. */
  readonly onHide: () => void;
}

export function OnScreenKeyboard({ layout, onType, onBackspace, onClear, onLayout, onHide }: OnScreenKeyboardProps) {
  const { t } = useKioskText();
  return (
    <div className={`keyboard keyboard--${layout}`} role="group" aria-label={t('keyboard.label')} data-testid="keyboard" data-layout={layout}>
      {letterRows[layout].map((row) => (
        <div key={row} className="keyboard__row">
          {[...row].map((key) => (
            <button key={key} type="button" className="key key--letter" data-testid={`key-${key}`} onClick={() => onType(key)}>
              {key}
            </button>
          ))}
        </div>
      ))}
      <div className="keyboard__row keyboard__row--controls">
        {layouts
          .filter((other) => other !== layout)
          .map((other) => (
            <button key={other} type="button" className="key key--layout" aria-label={t(layoutNames[other])} data-testid={`keyboard-${other}`} onClick={() => onLayout(other)}>
              {layoutFaces[other]}
            </button>
          ))}
        {layout === 'digits' ? (
          <button type="button" className="key key--letter key--zero" data-testid="key-0" onClick={() => onType('0')}>
            0
          </button>
        ) : (
          <button type="button" className="key key--space" data-testid="key-space" onClick={() => onType(' ')}>
            {t('keyboard.space')}
          </button>
        )}
        <button type="button" className="key key--backspace" aria-label={t('keyboard.backspace')} data-testid="key-backspace" onClick={onBackspace}>
          <BackspaceIcon className="key__icon" />
        </button>
        <button type="button" className="key key--clear" data-testid="key-clear" onClick={onClear}>
          {t('keyboard.clear')}
        </button>
        <button type="button" className="key key--hide" aria-label={t('keyboard.hide')} data-testid="key-hide" onClick={onHide}>
          <HideKeyboardIcon className="key__icon" />
        </button>
      </div>
    </div>
  );
}
