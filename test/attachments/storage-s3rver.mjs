// A real S3-compatible server (s3rver) for the storage tests, run in its own process so that the memory the tests
// measure is the driver's alone. Usage: node storage-s3rver.mjs <directory>; sends { port } to the parent when ready.
//
// s3rver 3.7 answers AbortMultipartUpload with 405 and ListMultipartUploads with 501. For the bucket `attachments` this
// adds both, on s3rver's own upload directory, so a test can see that a failed put aborted its upload. The bucket
// `no-abort` keeps s3rver's behaviour, for the case of a store that cannot abort.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import S3rver from 's3rver';

const [directory] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: [{ name: 'attachments' }, { name: 'no-abort' }],
});
const uploadsDir = join(directory, 'attachments', '._S3rver_uploads');

server.middleware.unshift(async (ctx, next) => {
  const [, bucket, key] = /^\/([^/]+)\/?(.*)$/.exec(ctx.path) ?? [];
  if (bucket !== 'attachments') return next();
  if (ctx.method === 'DELETE' && key && /^[0-9a-f]+$/.test(ctx.query.uploadId ?? '')) {
    await rm(join(uploadsDir, ctx.query.uploadId), { recursive: true, force: true });
    ctx.status = 204;
    return;
  }
  if (ctx.method === 'GET' && !key && 'uploads' in ctx.query) {
    const ids = await readdir(uploadsDir).catch(() => []);
    const uploads = await Promise.all(
      ids.map(async (id) => `<Upload><Key>${await readFile(join(uploadsDir, id, 'key'), 'utf8')}</Key><UploadId>${id}</UploadId></Upload>`),
    );
    ctx.type = 'application/xml';
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>attachments</Bucket><IsTruncated>false</IsTruncated>${uploads.join('')}</ListMultipartUploadsResult>`;
    return;
  }
  return next();
});

const { port } = await server.run();
process.send({ port });
process.on('disconnect', () => process.exit(0)); // never outlive the test run
