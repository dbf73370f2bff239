// Compiles only when a source changed since the last build (`npm start` through scripts/start.mjs, `npm run token`);
// `--force` (npm run build) always. A no-change `tsc` still costs seconds of type checking, which every restart paid.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = 'dist/.build-stamp';
const SOURCES = ['src', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

/** Newest change under `path`: files and directories (a deleted or renamed file moves its directory's time). */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

/** Builds if needed; false when the compiler failed (it has printed why). */
export function ensureBuilt({ force = false } = {}) {
  const builtAt = statSync(STAMP, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (!force && !SOURCES.some((source) => newest(source) > builtAt)) return true;
  const startedAt = new Date();
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (tsc.status !== 0) return false;
  // The time the build started: a source saved while it ran is newer, so the next start builds again.
  writeFileSync(STAMP, `${startedAt.toISOString()}\n`);
  utimesSync(STAMP, startedAt, startedAt);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}` && !ensureBuilt({ force: process.argv.includes('--force') })) process.exit(1);
