/** One scan's arrival on screen, for the scan-to-screen latency benchmark. */
export interface RenderTraceEntry {
  /** `ScanTrace.id` of the view. */
  readonly id: number;
  /** Epoch milliseconds (sub-millisecond), comparable with the lane's `ScanTrace` times. */
  readonly renderedAt: number;
}

declare global {
  interface Window {
    __lanewiseRenderTrace?: RenderTraceEntry[];
  }
}

/** Creates `window.__lanewiseRenderTrace` if it is not there yet. */
export function renderTraceLog(): RenderTraceEntry[] {
  return (window.__lanewiseRenderTrace ??= []);
}

/**
 * Records that the view carrying scan `id` has been committed: the timestamp is taken in the
 * next animation frame, i.e. when the browser is about to paint it.
 */
export function recordRenderedScan(id: number): void {
  requestAnimationFrame(() => {
    renderTraceLog().push({ id, renderedAt: performance.timeOrigin + performance.now() });
  });
}
