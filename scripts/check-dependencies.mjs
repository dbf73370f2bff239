// `npm run deps`: dependency-cruiser with the rules of .dependency-cruiser.cjs (no folder of src/ in a cycle of folders,
// src/database importing no feature). Violations listed in .dependency-cruiser-known-violations.json are reported and
// allowed; any other fails. `npm run deps -- --update` rewrites that list (after removing some, to lock the gain in).
// dependency-cruiser's own --ignore-known does not match folder-level cycles, hence this comparison.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const BASELINE = '.dependency-cruiser-known-violations.json';
const cruise = (outputType) => {
  const run = spawnSync(
    process.execPath,
    [
      'node_modules/dependency-cruiser/bin/dependency-cruise.mjs',
      'src',
      '--config',
      '.dependency-cruiser.cjs',
      '--output-type',
      outputType,
    ],
    {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  if (!run.stdout) throw new Error(`dependency-cruiser failed: ${run.stderr}`);
  return run.stdout;
};

if (process.argv.includes('--update')) {
  writeFileSync(BASELINE, cruise('baseline'));
  console.log(`${BASELINE} rewritten`);
  process.exit(0);
}

// A violation is known by its rule and its two ends; the path a cycle is shown by may change as other imports do.
const keyOf = (v) => `${v.rule.name}: ${v.from} → ${v.to}`;
const shown = (v) => `${keyOf(v)}${v.cycle ? ` (cycle ${v.cycle.map((c) => c.name ?? c).join(' → ')})` : ''}`;
const violations = JSON.parse(cruise('json')).summary.violations;
const found = violations.map(keyOf);
const known = new Set(JSON.parse(readFileSync(BASELINE, 'utf8')).map(keyOf));
const fresh = violations.filter((v) => !known.has(keyOf(v))).map(shown);
const gone = [...known].filter((v) => !found.includes(v));
console.log(
  `dependencies: ${found.length} violation(s), ${found.length - fresh.length} of them known (${BASELINE}); ${gone.length} known one(s) gone`,
);
if (gone.length) console.log(`Gone, lock it in with \`npm run deps -- --update\`:\n${gone.map((v) => `  ${v}`).join('\n')}`);
if (fresh.length) {
  console.error(`New dependency violations:\n${fresh.map((v) => `  ${v}`).join('\n')}`);
  process.exit(1);
}
