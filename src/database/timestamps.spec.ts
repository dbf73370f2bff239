import { types } from 'pg';
import { parseTimestamptz } from './timestamps.js';

const pgParser = types.getTypeParser(1184, 'text') as (text: string) => Date | number | null;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A timestamptz as PostgreSQL prints it with DateStyle ISO, in a zone `offsetSeconds` east of UTC. */
function asPostgresPrints(instantMs: number, microseconds: number, offsetSeconds: number): string {
  const local = new Date(instantMs + offsetSeconds * 1000);
  const fraction = ((local.getUTCMilliseconds() * 1000 + microseconds) / 1e6).toFixed(6).slice(1).replace(/0+$/, '');
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const [h, m, s] = [Math.floor(abs / 3600), Math.floor((abs % 3600) / 60), abs % 60];
  const offset = `${sign}${pad(h)}${m || s ? `:${pad(m)}` : ''}${s ? `:${pad(s)}` : ''}`;
  return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${fraction === '.' ? '' : fraction}${offset}`;
}

describe('parseTimestamptz', () => {
  it('gives the same instant as pg’s own parser for what PostgreSQL prints', () => {
    const offsets = [0, 3600, -3600, 19800, -12600, 1172, -17762, 50400, -43200, 20700];
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const from = Date.UTC(1000, 0, 2);
    const to = Date.UTC(9999, 11, 30);
    for (let i = 0; i < 20_000; i++) {
      const text = asPostgresPrints(
        Math.floor(from + random() * (to - from)),
        Math.floor(random() * 1000) * (i % 3),
        offsets[i % offsets.length],
      );
      const ours = parseTimestamptz(text);
      expect({ text, time: (ours as Date).getTime() }).toEqual({ text, time: (pgParser(text) as Date).getTime() });
    }
  });

  it('hands anything else to pg’s own parser', () => {
    for (const text of [
      'infinity',
      '-infinity',
      '0099-03-01 10:00:00+00',
      '2000-01-01 00:00:00+00 BC',
      '12345-01-01 00:00:00+00',
      '2026-12-05 08:07:26',
    ]) {
      expect(parseTimestamptz(text)).toEqual(pgParser(text));
    }
    expect(parseTimestamptz('2026-12-05 08:07:26.412227+00')).toEqual(new Date('2026-12-05T08:07:26.412Z'));
    expect(parseTimestamptz('2026-01-01 00:00:00.5+05:30')).toEqual(new Date('2025-12-31T18:30:00.500Z'));
  });
});
