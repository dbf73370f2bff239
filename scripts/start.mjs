// `npm start`: builds if a source changed since the last build, then runs the API in this same process (no second
// Node start-up, no npm lifecycle script: a restart is ready sooner).
import { ensureBuilt } from './ensure-built.mjs';

if (!ensureBuilt()) process.exit(1);
await import('../dist/src/main.js');
