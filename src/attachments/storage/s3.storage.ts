import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { S3StorageConfig } from '../../config/app-config.js';
import { AttachmentNotFoundError } from './attachment-not-found.error.js';
import {
  AttachmentStorage,
  LIST_PAGE_SIZE,
  assertByteRange,
  assertStorageKey,
  isGeneratedKey,
  type ByteRange,
  type PutOptions,
  type StoredObject,
} from './attachment-storage.js';

// Upload buffers at most about (QUEUE_SIZE + 1) parts at a time, whatever the attachment size.
const PART_SIZE = 5 * 1024 * 1024; // the S3 minimum: parts stay small and memory low
const QUEUE_SIZE = 2;

/** Objects in one bucket, keyed by the attachment key; large bodies go up as multipart uploads. */
export class S3Storage extends AttachmentStorage implements OnApplicationShutdown {
  readonly name = 's3' as const;
  private readonly logger = new Logger('AttachmentStorage');

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {
    super();
  }

  static fromConfig(config: S3StorageConfig): S3Storage {
    const client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: config.credentials,
      // Many S3-compatible stores reject or mis-store the SDK's default CRC32 checksums (aws-chunked trailers):
      // send them only where the API requires them, unless talking to AWS itself.
      ...(config.endpoint && { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }),
    });
    return new S3Storage(client, config.bucket);
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<void> {
    assertStorageKey(key);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: options.contentType },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false, // on failure Upload sends AbortMultipartUpload, so no parts linger (and bill)
    });
    try {
      await upload.done();
    } catch (error) {
      body.destroy();
      // When the abort itself fails, Upload reports that instead of the cause; keep the cause, log the leftover.
      if (body.errored && body.errored !== error) {
        this.logger.warn(
          `Upload of ${key} failed and its multipart upload was not aborted (parts stay until a lifecycle rule removes them): ${String(error)}`,
        );
        throw body.errored;
      }
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertStorageKey(key);
    if (range) assertByteRange(range);
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range && `bytes=${range.start}-${range.end}` });
    try {
      const { Body } = await this.client.send(command);
      return Body as Readable; // a Node Readable (IncomingMessage) in the Node runtime
    } catch (error) {
      if (error instanceof NoSuchKey) throw new AttachmentNotFoundError(key);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertStorageKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })); // S3 deletes are idempotent
  }

  async *list(): AsyncIterable<StoredObject[]> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, ContinuationToken: token, MaxKeys: LIST_PAGE_SIZE }),
      );
      const objects = (page.Contents ?? []).flatMap((o) =>
        o.Key && o.LastModified && isGeneratedKey(o.Key) ? [{ key: o.Key, writtenAt: o.LastModified }] : [],
      );
      if (objects.length) yield objects;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  // A failed put aborts its multipart upload; one a crash left open is for the bucket's AbortIncompleteMultipartUpload
  // lifecycle rule (ListMultipartUploads is missing from several S3-compatible stores).
  async removeIncomplete(): Promise<number> {
    return 0;
  }

  onApplicationShutdown(): void {
    this.client.destroy(); // closes keep-alive sockets so the process can exit
  }
}
