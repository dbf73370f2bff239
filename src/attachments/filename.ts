import { basename } from 'node:path';

// Controls (C0, DEL, C1) and bidi/zero-width formatting characters: an "a\u202Egnp.exe" shows as "aexe.png".
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const MAX_LENGTH = 200;

/**
 * The client's filename, kept only as display metadata: no directory parts (either slash), no control or direction
 * characters, no leading or trailing dots, bounded length (the extension kept). Never used as a storage path.
 */
export function sanitizeFilename(raw: string | undefined): string {
  const name = basename((raw ?? '').replace(/\\/g, '/'))
    .normalize('NFC')
    .replace(UNSAFE, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, ''); // Windows drops trailing dots and spaces on save: "run.bat." would land as run.bat
  if (!name) return 'file';
  if (name.length <= MAX_LENGTH) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  return name.slice(0, MAX_LENGTH - ext.length) + ext;
}

/** Lower-case extension without the dot ('' when none). */
export function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot > 0 ? filename.slice(dot + 1).toLowerCase() : '';
}
