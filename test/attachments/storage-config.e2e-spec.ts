import { Test } from '@nestjs/testing';
import { join } from 'node:path';
import { AttachmentStorage } from '../../src/attachments/storage/attachment-storage';
import { LocalDiskStorage } from '../../src/attachments/storage/local-disk.storage';
import { S3Storage } from '../../src/attachments/storage/s3.storage';
import { AttachmentStorageModule } from '../../src/attachments/storage/storage.module';
import { AppConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { ConfigError, validateEnv } from '../../src/config/env.validation';

describe('Attachment storage configuration', () => {
  it('defaults to local storage, 25 MiB and 10 files', () => {
    expect(AppConfig.fromEnv({}).attachments).toMatchObject({ storage: 'local', maxBytes: 26_214_400, maxFiles: 10, s3: null });
  });

  it('maps the S3 variables', () => {
    const config = AppConfig.fromEnv({
      ATTACHMENT_STORAGE: 's3',
      S3_BUCKET: 'tierdesk-files',
      S3_ENDPOINT: 'http://minio:9000',
      S3_REGION: 'eu-west-1',
      S3_ACCESS_KEY_ID: 'AKIA1',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
      ATTACHMENT_MAX_BYTES: '1073741824',
    });
    expect(config.attachments).toMatchObject({
      storage: 's3',
      maxBytes: 1024 ** 3,
      s3: {
        bucket: 'tierdesk-files',
        endpoint: 'http://minio:9000',
        region: 'eu-west-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'AKIA1', secretAccessKey: 'secret' },
      },
    });
    expect(AppConfig.fromEnv({ ATTACHMENT_STORAGE: 's3', S3_BUCKET: 'b-1' }).attachments.s3).toEqual({
      bucket: 'b-1',
      endpoint: undefined,
      region: 'us-east-1',
      forcePathStyle: false,
      credentials: undefined,
    });
  });

  it.each([
    [{ ATTACHMENT_STORAGE: 's3' }, /^S3_BUCKET is missing: .*ATTACHMENT_STORAGE=s3$/],
    [{ ATTACHMENT_STORAGE: 'gcs' }, /^ATTACHMENT_STORAGE="gcs" is invalid: expected .*local, s3/],
    [{ S3_ACCESS_KEY_ID: 'AKIA1' }, /^S3_SECRET_ACCESS_KEY is missing/],
    [{ S3_SECRET_ACCESS_KEY: 'hunter2' }, /^S3_ACCESS_KEY_ID is missing/],
    [{ S3_ENDPOINT: 'minio:9000' }, /^S3_ENDPOINT="minio:9000" is invalid/],
    [{ ATTACHMENT_MAX_BYTES: String(5 * 1024 ** 3 + 1) }, /^ATTACHMENT_MAX_BYTES=5368709121 is invalid/],
    [{ ATTACHMENT_MAX_FILES: '0' }, /^ATTACHMENT_MAX_FILES=0 is invalid/],
    [{ S3_FORCE_PATH_STYLE: 'yes' }, /^S3_FORCE_PATH_STYLE="yes" is invalid/],
  ])('%j → one line naming the variable', (env, message) => {
    expect(() => validateEnv(env)).toThrow(ConfigError);
    expect(() => validateEnv(env)).toThrow(message);
  });

  it('never echoes the S3 secret', () => {
    expect(() => validateEnv({ S3_SECRET_ACCESS_KEY: 'x'.repeat(300), S3_ACCESS_KEY_ID: 'AKIA1' })).toThrow(
      /^S3_SECRET_ACCESS_KEY=\(hidden\) is invalid/,
    );
  });

  it.each([
    [{}, LocalDiskStorage],
    [{ ATTACHMENT_STORAGE: 's3', S3_BUCKET: 'tierdesk-files' }, S3Storage],
  ])('AttachmentStorageModule provides the configured driver for %j', async (env, driver) => {
    const config = AppConfig.fromEnv({ DATA_DIR: '/srv/tierdesk', ...env });
    const module = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), AttachmentStorageModule] }).compile();
    const storage = module.get(AttachmentStorage);
    expect(storage).toBeInstanceOf(driver);
    if (storage instanceof LocalDiskStorage) expect(storage.root).toBe(join('/srv/tierdesk', 'attachments'));
    const shutdown = storage instanceof S3Storage ? jest.spyOn(storage, 'onApplicationShutdown') : undefined;
    await module.close();
    if (shutdown) expect(shutdown).toHaveBeenCalled(); // the S3 client's sockets are closed with the app
  });
});
