import jwt from 'jsonwebtoken'; import pg from 'pg';
const db = new pg.Client('postgres://postgres@127.0.0.1:5432/tierdesk_bench'); await db.connect();
const t = (await db.query(`SELECT id FROM tier WHERE level=1`)).rows[0];
const a = (await db.query(`SELECT u."externalId" FROM user_account u JOIN tier_member m ON m."userId"=u.id WHERE m."tierId"=$1 ORDER BY u."externalId" LIMIT 1`,[t.id])).rows[0];
const tok = jwt.sign({role:'agent'}, 'bench-secret-bench-secret-bench-secret-0123', {algorithm:'HS256', subject:a.externalId, expiresIn:3600});
const q = `query($tierId: ID!) { tickets(first: 50, filter: { tierId: $tierId, sort: "-createdAt" }) {
  edges { node { id number subject status requester { id name } assignee { id name } tier { id name } messages(first: 5) { edges { node { id body visibility } } } } }
  pageInfo { hasNextPage endCursor } } }`;
const r = await fetch('http://127.0.0.1:3777/graphql', {method:'POST', headers:{authorization:`Bearer ${tok}`, 'content-type':'application/json'}, body: JSON.stringify({query:q, variables:{tierId:t.id}})});
console.log(r.status, (await r.text()).slice(0,600)); await db.end();
