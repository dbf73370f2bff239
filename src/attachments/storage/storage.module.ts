import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../../config/app-config.js';
import { AttachmentStorage } from './attachment-storage.js';
import { LocalDiskStorage } from './local-disk.storage.js';
import { S3Storage } from './s3.storage.js';

/** Provides the AttachmentStorage chosen by ATTACHMENT_STORAGE: `<DATA_DIR>/attachments` or an S3 bucket. */
@Module({
  providers: [{ provide: AttachmentStorage, inject: [AppConfig], useFactory: createAttachmentStorage }],
  exports: [AttachmentStorage],
})
export class AttachmentStorageModule {}

export function createAttachmentStorage(config: AppConfig): AttachmentStorage {
  const { s3 } = config.attachments;
  return s3 ? S3Storage.fromConfig(s3) : new LocalDiskStorage(join(config.dataDir, 'attachments'));
}
