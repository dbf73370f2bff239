// node window.mjs profile.cpuprofile fromMs toMs requests [top]
import { readFileSync } from 'node:fs';
const [file, from, to, reqs, topN = '25'] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const t0 = p.startTime; let t = t0;
const self = new Map();
for (let i = 0; i < p.samples.length; i++) {
  t += p.timeDeltas[i];
  const ms = (t - t0) / 1000;
  if (ms < Number(from) || ms > Number(to)) continue;
  const n = byId.get(p.samples[i]);
  self.set(n.id, (self.get(n.id) ?? 0) + p.timeDeltas[i]);
}
const cat = (n) => {
  const u = n.callFrame.url; const f = n.callFrame.functionName;
  if (!u) return `(${f || 'native'})`;
  const m = u.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/); if (m) return m[1];
  const s = u.match(/dist\/src\/([^/]+)/); if (s) return `app:${s[1]}`;
  if (u.startsWith('node:')) return u;
  return u;
};
const cats = new Map(); const funcs = new Map();
for (const [id, us] of self) { const n = byId.get(id); const c = cat(n); cats.set(c, (cats.get(c) ?? 0) + us);
  const k = `${c} ${n.callFrame.functionName}:${n.callFrame.lineNumber}`; funcs.set(k, (funcs.get(k) ?? 0) + us); }
const R = Number(reqs); let total = 0; for (const v of cats.values()) total += v;
const idle = cats.get('(idle)') ?? 0;
console.log(`busy µs/request ${((total - idle) / R).toFixed(1)} (total ${(total/R).toFixed(1)})`);
for (const [k, v] of [...cats].sort((a, b) => b[1] - a[1]).slice(0, Number(topN))) console.log((v / R).toFixed(1).padStart(8), k);
console.log('--- functions');
for (const [k, v] of [...funcs].sort((a, b) => b[1] - a[1]).slice(0, Number(topN))) console.log((v / R).toFixed(1).padStart(8), k);
