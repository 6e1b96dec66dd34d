/**
 * Short animated how-to pictures for the two steps shoppers get stuck on: putting an item
 * on the scale, and putting it in the bagging area. Drawn inline (no image files; the page's
 * CSP allows only its own origin), animated with CSS, still for shoppers who asked their
 * system for reduced motion. Decorative: the words beside them say the same.
 */

/** An item comes down onto the scale platter, which shows a reading. */
export function WeighHint() {
  return (
    <svg className="how-to how-to--weigh" viewBox="0 0 160 96" aria-hidden="true" focusable="false" data-testid="how-to-weigh">
      <rect className="how-to__platter" x="20" y="70" width="120" height="10" rx="3" />
      <rect className="how-to__base" x="40" y="80" width="80" height="10" rx="2" />
      <g className="how-to__item how-to__item--drop">
        <circle cx="80" cy="52" r="16" />
        <path d="M80 36c0-6 3-10 8-12" />
      </g>
    </svg>
  );
}

/** An item moves from the scanner side into the open bag. */
export function BagHint() {
  return (
    <svg className="how-to how-to--bag" viewBox="0 0 160 96" aria-hidden="true" focusable="false" data-testid="how-to-bag">
      <path className="how-to__bag" d="M104 40h44l-6 48h-32z" />
      <path className="how-to__bag-handle" d="M116 40c0-10 20-10 20 0" />
      <rect className="how-to__item how-to__item--slide" x="14" y="46" width="28" height="34" rx="4" />
    </svg>
  );
}
