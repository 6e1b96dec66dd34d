/**
 * What the Electron preload exposes to the sandboxed kiosk page as `window.lanewiseBridge`:
 * a single message pipe on the `lanewise:bridge` channel, nothing else of Electron or Node.
 */
export interface PreloadBridgeApi {
  send(message: string): void;
  /** Returns a function that stops listening. */
  onMessage(listener: (message: string) => void): () => void;
}

export const preloadGlobalName = 'lanewiseBridge';
