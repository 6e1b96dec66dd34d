// Entry of the catalogue sync's worker thread. Worker threads start without the loader that
// runs Lanewise's TypeScript (tsx in `node bin/lanewise.mjs`, Vite in tests), so register tsx
// here, then load the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./applyWorker.ts');
