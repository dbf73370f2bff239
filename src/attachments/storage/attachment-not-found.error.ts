/** Nothing is stored under the key; the same error from every storage driver. */
export class AttachmentNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no attachment stored under ${key}`);
    this.name = 'AttachmentNotFoundError';
  }
}
