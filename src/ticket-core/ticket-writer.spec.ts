import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(__dirname, '..');
const WRITER = 'ticket-core/ticket-writer.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Where each pattern occurs, as `file:line`, outside the ticket writer. */
function writesOutsideTheWriter(pattern: RegExp): string[] {
  return sources(SRC).flatMap((path) => {
    const file = relative(SRC, path);
    if (file === WRITER) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) ? [`${file}:${i + 1}`] : []));
  });
}

// The ticket has one owner: a second way of changing it (and of skipping its version, audit event or outbox row) fails here.
describe('the ticket writer is the only code that changes a ticket row', () => {
  it('issues every UPDATE of the ticket table', () => {
    expect(writesOutsideTheWriter(/UPDATE\s+"?ticket"?\s/i)).toEqual([]);
  });

  it('is the only one to update, save or lock a Ticket entity through TypeORM', () => {
    expect(writesOutsideTheWriter(/\.(update|save|upsert)\(TicketEntity\b|getRepository\(TicketEntity\)\.(update|save|upsert)/)).toEqual(
      [],
    );
    expect(writesOutsideTheWriter(/\(TicketEntity, \{[^}]*lock:/)).toEqual([]);
  });

  it('has one status transition table, in ticket-status.ts', () => {
    const tables = sources(SRC).filter((path) => /Record<TicketStatus, readonly TicketStatus\[\]>/.test(readFileSync(path, 'utf8')));
    expect(tables.map((path) => relative(SRC, path))).toEqual(['ticket-core/ticket-status.ts']);
  });
});
