/** Inline icons (no image files: the page's CSP allows only its own origin). Decorative: hidden from screen readers. */
import type { ReactNode } from 'react';

export interface IconProps {
  readonly className?: string;
}

/** The frame every kiosk icon is drawn in: a 48-unit square, stroked in the text colour. */
export function Svg({ className, children }: IconProps & { children: ReactNode }) {
  return (
    <svg className={className ?? 'icon'} viewBox="0 0 48 48" fill="none" stroke="currentColor" strokeWidth={3} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      {children}
    </svg>
  );
}

export function ScanIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M6 14V8a2 2 0 0 1 2-2h6M34 6h6a2 2 0 0 1 2 2v6M42 34v6a2 2 0 0 1-2 2h-6M14 42H8a2 2 0 0 1-2-2v-6" />
      <path d="M13 14v20M18 14v20M22 14v20M27 14v20M33 14v20M36 14v20" strokeWidth={2.5} />
      <path d="M4 24h40" stroke="#d61f26" strokeWidth={2} />
    </Svg>
  );
}

export function CardIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <rect x="12" y="4" width="24" height="40" rx="3" />
      <rect x="16" y="9" width="16" height="9" rx="1" />
      <path d="M17 25h2M23 25h2M29 25h2M17 31h2M23 31h2M29 31h2M17 37h2M23 37h2M29 37h2" />
    </Svg>
  );
}

export function PrinterIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M14 18V5h20v13" />
      <rect x="6" y="18" width="36" height="16" rx="3" />
      <path d="M14 28h20v16H14z" />
      <path d="M18 34h12M18 39h8" />
    </Svg>
  );
}

export function CheckIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="24" cy="24" r="20" />
      <path d="M14 24.5l7 7 13-14" strokeWidth={4} />
    </Svg>
  );
}

export function WarningIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M24 5L2.5 43h43z" />
      <path d="M24 18v12" strokeWidth={4} />
      <circle cx="24" cy="36.5" r="1.2" fill="currentColor" />
    </Svg>
  );
}

export function ClosedIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="24" cy="24" r="20" />
      <path d="M10 38L38 10" strokeWidth={4} />
    </Svg>
  );
}

export function InfoIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="24" cy="24" r="20" />
      <path d="M24 22v12" strokeWidth={4} />
      <circle cx="24" cy="14.5" r="1.2" fill="currentColor" />
    </Svg>
  );
}

export function Spinner({ className }: IconProps) {
  return <span className={className ?? 'spinner'} aria-hidden="true" />;
}

export function MinusIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M12 24h24" strokeWidth={5} />
    </Svg>
  );
}

export function WrenchIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M29 7a11 11 0 0 0-10.4 14.6L6.5 33.7a4 4 0 0 0 5.7 5.7l12.1-12.1A11 11 0 0 0 38.9 17l-6.4 6.4-6-1.9-1.9-6L31 9.1A11 11 0 0 0 29 7z" />
    </Svg>
  );
}

export function PersonIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="24" cy="15" r="8" />
      <path d="M8 43c1.5-9 8-14 16-14s14.5 5 16 14" />
    </Svg>
  );
}
