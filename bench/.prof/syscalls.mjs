// node syscalls.mjs port amount : issues `amount` get-by-id requests with 32 connections
import autocannon from 'autocannon'; import jwt from 'jsonwebtoken'; import pg from 'pg';
const [port, amount, kind = 'get'] = process.argv.slice(2);
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const db = new pg.Client('postgres://postgres@127.0.0.1:5432/tierdesk_bench'); await db.connect();
const firstLine = (await db.query(`SELECT id FROM tier WHERE level = 1`)).rows[0].id;
const agent = (await db.query(`SELECT u."externalId" FROM user_account u JOIN tier_member m ON m."userId" = u.id WHERE m."tierId" = $1 ORDER BY u."externalId" LIMIT 1`, [firstLine])).rows[0].externalId;
const tok = jwt.sign({ role: 'agent' }, SECRET, { algorithm: 'HS256', subject: agent, expiresIn: 3600 });
const ids = (await db.query(`SELECT id FROM ticket WHERE "tierId" = $1 ORDER BY random() LIMIT 5000`, [firstLine])).rows.map((r) => r.id);
await db.end();
const r = await autocannon({ url: `http://127.0.0.1:${port}`, connections: 32, amount: Number(amount), requests: [{ setupRequest: (q) => ({ ...q, method: 'GET', path: kind === 'queue' ? `/v1/tickets?tierId=${firstLine}&status=new,open&sort=slaDueAt&limit=25` : `/v1/tickets/${ids[Math.floor(Math.random() * ids.length)]}`, headers: { authorization: `Bearer ${tok}` } }) }] });
console.log('rps', r.requests.average, 'non2xx', r.non2xx, 'total', r.requests.total);
