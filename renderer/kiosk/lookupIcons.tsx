/**
 * Inline pictures for the item lookup (no image files, no emoji: the kiosk's fonts may not
 * have them). Decorative: the tile's text says what the item is.
 */
import type { ReactNode } from 'react';
import type { ItemIcon } from '../../shared/catalog/choice';
import { Svg, type IconProps } from './icons';

function FruitGlyph() {
  // An apple: body, stem, leaf.
  return (
    <>
      <path d="M24 15c-4-3-12-3-15 3-3 6-1 15 3 20 3 4 7 6 12 4 5 2 9 0 12-4 4-5 6-14 3-20-3-6-11-6-15-3z" />
      <path d="M24 15c0-4 1-7 3-10" />
      <path d="M27 10c3-3 7-4 10-3-1 3-5 5-10 5" />
    </>
  );
}

function VegetableGlyph() {
  // A carrot with its leaves.
  return (
    <>
      <path d="M34 14c-3-3-8-2-10 1L7 40c-1 2 0 3 2 2l24-17c3-2 4-8 1-11z" />
      <path d="M34 14l5-9M34 14l9-3M34 14l-1-9" />
      <path d="M19 24l4 3M14 31l3 2" strokeWidth={2.5} />
    </>
  );
}

function BreadGlyph() {
  // A loaf with scored crust.
  return (
    <>
      <path d="M8 23c0-7 7-11 16-11s16 4 16 11c0 3-2 4-3 4v12a2 2 0 0 1-2 2H13a2 2 0 0 1-2-2V27c-1 0-3-1-3-4z" />
      <path d="M18 18l-3 5M25 18l-3 5M32 18l-3 5" strokeWidth={2.5} />
    </>
  );
}

function GenericGlyph() {
  // A shopping bag.
  return (
    <>
      <path d="M9 17h30l-2 25H11z" />
      <path d="M17 21v-7a7 7 0 0 1 14 0v7" />
    </>
  );
}

const glyphs: Readonly<Record<ItemIcon, () => ReactNode>> = {
  fruit: FruitGlyph,
  vegetable: VegetableGlyph,
  bread: BreadGlyph,
  generic: GenericGlyph,
};

/** The picture for an item's `icon` key; an unknown key (a newer lane) draws the generic bag. */
export function ItemIconGlyph({ icon, className }: IconProps & { icon: ItemIcon }) {
  const Glyph = glyphs[icon] ?? GenericGlyph;
  return (
    <Svg className={className}>
      <Glyph />
    </Svg>
  );
}

export function BackIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M20 11L7 24l13 13M8 24h33" />
    </Svg>
  );
}

export function SearchIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="20" cy="20" r="12" />
      <path d="M29 29l12 12" strokeWidth={4} />
    </Svg>
  );
}

export function BackspaceIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M17 10h23a3 3 0 0 1 3 3v22a3 3 0 0 1-3 3H17L4 24z" />
      <path d="M22 18l12 12M34 18L22 30" />
    </Svg>
  );
}

export function HideKeyboardIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <rect x="5" y="6" width="38" height="24" rx="3" />
      <path d="M11 13h2M18 13h2M25 13h2M32 13h2M11 19h2M18 19h2M25 19h2M32 19h2M15 25h18" strokeWidth={2.5} />
      <path d="M16 36l8 7 8-7" />
    </Svg>
  );
}
