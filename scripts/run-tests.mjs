// The suite: builds (some tests start the compiled server), then runs jest and ends with `N passed, N failed`.
// Runs on the embedded PostgreSQL, or on a fresh database of the server in TEST_DATABASE_URL (or DATABASE_URL).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';

const resultsFile = '.test-results.json';
rmSync(resultsFile, { force: true });

const build = spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// The Redis-backed tests need a Redis; on a machine without one they are skipped, and said to be (CI requires them).
const redisUrl = new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
const redisUp = await new Promise((resolve) => {
  const socket = connect({ host: redisUrl.hostname.replace(/^\[|\]$/g, ''), port: Number(redisUrl.port || 6379), timeout: 1000 });
  const done = (up) => (socket.destroy(), resolve(up));
  socket
    .once('connect', () => done(true))
    .once('timeout', () => done(false))
    .once('error', () => done(false));
});
const env = { ...process.env };
if (!redisUp && process.env.CI !== 'true') {
  env.TIERDESK_TEST_REDIS = 'unreachable';
  console.log(`Redis at ${redisUrl.host} is unreachable: the Redis-backed tests (test/rate-limit.e2e-spec.ts) are SKIPPED. CI runs them.`);
}

const jest = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    'node_modules/jest/bin/jest.js',
    '--json',
    `--outputFile=${resultsFile}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', env },
);

let passed = 0;
let failed = 1;
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  // A suite that fails to load has no failed tests of its own; count it so it cannot hide.
  failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
  if (env.TIERDESK_TEST_REDIS) console.log(`${results.numPendingTests} skipped: Redis at ${redisUrl.host} is unreachable`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(jest.status === 0 && failed === 0 ? 0 : 1);
