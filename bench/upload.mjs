// Uploads one generated log of 1 GiB (or --mib N) to a running Tierdesk and reports throughput and the server's peak
// RSS growth while it streams (goal: ≤ 64 MB). The file is generated as it is sent: neither side holds it whole.
// Usage: npm run bench:upload [-- --mib 1024]   (DATABASE_URL: a server where a scratch database may be created)
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { clearInterval, setInterval } from 'node:timers';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import pg from 'pg';

const args = process.argv.slice(2);
const MIB = Number(args[args.indexOf('--mib') + 1] || 0) || 1024;
const SIZE = MIB * 1024 * 1024;
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const PORT = 3779;
const DB = `tierdesk_bench_upload_${Date.now()}`;
const url = new URL(SERVER);
url.pathname = `/${DB}`;
const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-bench-upload-'));
const token = (sub, role) => `Bearer ${jwt.sign({ role }, SECRET, { algorithm: 'HS256', subject: sub, expiresIn: 3600 })}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function admin(sql) {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function call(method, path, auth, body) {
  const res = await fetch(`http://127.0.0.1:${PORT}${path}`, {
    method,
    headers: { authorization: auth, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body && JSON.stringify(body),
  });
  if (!res.ok && res.status !== 204) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

const rssOf = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

/** Streams a multipart body with one `file` part of SIZE bytes of log lines; resolves with the response and the sha256 sent. */
function upload(path, auth) {
  return new Promise((resolve, reject) => {
    const boundary = `----tierdesk${randomUUID()}`;
    const req = request(
      {
        host: '127.0.0.1',
        port: PORT,
        method: 'POST',
        path,
        headers: { authorization: auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString() || 'null'), sha256: hash.digest('hex') }),
        );
      },
    );
    req.on('error', reject);
    const hash = createHash('sha256');
    const line = Buffer.from('2026-11-25T10:00:00.000Z ERROR [worker-3] request failed: upstream timed out after 30000 ms (retrying)\n');
    const block = Buffer.concat(Array.from({ length: Math.ceil(65536 / line.length) }, () => line)).subarray(0, 65536);
    let sent = 0;
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.log"\r\nContent-Type: text/plain\r\n\r\n`);
    const pump = () => {
      while (sent < SIZE) {
        const chunk = block.subarray(0, Math.min(block.length, SIZE - sent));
        sent += chunk.length;
        hash.update(chunk);
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end(`\r\n--${boundary}--\r\n`);
    };
    pump();
  });
}

await admin(`CREATE DATABASE "${DB}"`);
const server = spawn(process.execPath, ['dist/src/main.js'], {
  env: {
    ...process.env,
    DATABASE_URL: url.toString(),
    JWT_SECRET: SECRET,
    PORT: String(PORT),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    ATTACHMENT_MAX_BYTES: String(SIZE + 1024 * 1024),
    RATE_LIMIT_PER_MINUTE: '100000',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  for (let i = 0; !(await fetch(`http://127.0.0.1:${PORT}/ready`).catch(() => null))?.ok; i++) {
    if (i > 200) throw new Error('server did not become ready');
    await sleep(250);
  }
  const adminToken = token('bench-admin', 'admin');
  const me = await call('GET', '/v1/me', adminToken);
  const tier = await call('POST', '/v1/tiers', adminToken, { name: 'Bench', level: 1 });
  const ticket = await call('POST', '/v1/tickets', adminToken, {
    subject: 'Huge log',
    description: 'attached',
    tierId: tier.id,
    requesterId: me.id,
  });
  // The first upload (cold: JIT, buffers, pools) and a second one (steady state) are both reported.
  const coldBaseline = rssOf(server.pid);
  let coldPeak = coldBaseline;
  const coldSampler = setInterval(() => (coldPeak = Math.max(coldPeak, rssOf(server.pid))), 50);
  await upload(`/v1/tickets/${ticket.id}/attachments`, adminToken);
  clearInterval(coldSampler);
  await sleep(1000);
  const baseline = rssOf(server.pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(server.pid))), 50);
  const started = process.hrtime.bigint();
  const result = await upload(`/v1/tickets/${ticket.id}/attachments`, adminToken);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  if (result.status !== 201) throw new Error(`upload: ${result.status} ${JSON.stringify(result.body)}`);
  const intact = result.body.size === SIZE && result.body.sha256 === result.sha256;
  console.log(`\n| measure | value |\n|---|---|\n| file | ${MIB} MiB generated log, one multipart part, local disk storage |\n| time | ${seconds.toFixed(1)} s |\n| throughput | ${(MIB / seconds).toFixed(0)} MiB/s |\n| server RSS before | ${(baseline / 2 ** 20).toFixed(0)} MiB |\n| server peak RSS growth, first upload (cold) | ${((coldPeak - coldBaseline) / 2 ** 20).toFixed(1)} MiB (from ${(coldBaseline / 2 ** 20).toFixed(0)} MiB) |
| server peak RSS growth, second upload | ${((peak - baseline) / 2 ** 20).toFixed(1)} MiB (goal ≤ 61 MiB = 64 MB) |\n| stored size and sha256 match what was sent | ${intact ? 'yes' : 'NO'} |`);
  process.exitCode = intact ? 0 : 1;
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
  await admin(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
  rmSync(dataDir, { recursive: true, force: true });
}
