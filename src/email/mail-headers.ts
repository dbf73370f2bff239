import { createHash } from 'node:crypto';
import type { AddressObject, ParsedMail } from 'mailparser';
import { simpleParser } from 'mailparser';
import EmailReplyParser from 'email-reply-parser';

/** What the import log and the dedupe need of a message, read from its header block only. */
export interface MailEnvelope {
  messageId: string;
  from: string | null;
  fromName: string | null;
  to: string[];
  cc: string[];
  subject: string | null;
  inReplyTo: string | null;
  references: string[];
}

const MAX_HEADER_BYTES = 256 * 1024;

/** The Message-IDs a mail answers (In-Reply-To, then References), each once. */
export function answeredIds(envelope: MailEnvelope): string[] {
  return [...new Set([envelope.inReplyTo, ...envelope.references].filter((i): i is string => !!i))];
}

/** A Message-ID without its angle brackets and surrounding space. */
export function bareId(id: string): string {
  return id.trim().replace(/^<+/, '').replace(/>+$/, '').trim();
}

/** Every `<id>` in a header value, in order, without brackets (References, In-Reply-To). */
export function idsIn(value: string | string[] | undefined | null): string[] {
  if (!value) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  const found = [...text.matchAll(/<([^<>\s]{1,900})>/g)].map((m) => m[1]);
  return found.length ? found : text.split(/\s+/).filter(Boolean).map(bareId);
}

export function addressesOf(field: AddressObject | AddressObject[] | undefined): { address: string; name: string }[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  const out: { address: string; name: string }[] = [];
  const walk = (entries: { address?: string; name: string; group?: { address?: string; name: string }[] }[]) => {
    for (const e of entries) {
      if (e.group) walk(e.group);
      else if (e.address) out.push({ address: e.address.toLowerCase(), name: e.name });
    }
  };
  for (const a of list) walk(a.value);
  return out;
}

/** The header block of a raw message (up to the first empty line), parsed: cheap even for a large message. */
export async function readEnvelope(raw: Buffer): Promise<MailEnvelope> {
  let end = raw.indexOf('\r\n\r\n');
  if (end < 0) end = raw.indexOf('\n\n');
  const head = raw.subarray(0, end < 0 ? Math.min(raw.length, MAX_HEADER_BYTES) : Math.min(end, MAX_HEADER_BYTES));
  const parsed = await simpleParser(Buffer.concat([head, Buffer.from('\r\n\r\n')]), { skipHtmlToText: true, skipTextToHtml: true });
  return envelopeOf(parsed, raw);
}

export function envelopeOf(parsed: ParsedMail, raw: Buffer): MailEnvelope {
  const [from] = addressesOf(parsed.from);
  return {
    messageId: parsed.messageId
      ? bareId(parsed.messageId).slice(0, 998)
      : `${createHash('sha256').update(raw).digest('hex')}@tierdesk.invalid`,
    from: from?.address ?? null,
    fromName: from?.name || null,
    to: addressesOf(parsed.to).map((a) => a.address),
    cc: addressesOf(parsed.cc).map((a) => a.address),
    subject: parsed.subject ?? null,
    inReplyTo: idsIn(parsed.inReplyTo)[0] ?? null,
    references: idsIn(parsed.references).slice(-50),
  };
}

// Reply headers email-reply-parser does not know, and Outlook's separators.
const QUOTE_HEADERS = [
  /^.{0,200}(написал|написала|написал\(а\)|пишет)\s*:\s*$/im,
  /^-{2,}\s*(Original Message|Исходное сообщение|Пересылаемое сообщение)\s*-{2,}\s*$/im,
  /^_{10,}\s*$/m,
];

/**
 * The new text of a reply: quoted history and the signature cut (email-reply-parser, plus Russian reply headers and
 * Outlook separators), trailing quoted lines dropped. A message that is nothing but quotes keeps its text.
 */
export function visibleText(text: string): string {
  const normalized = text.replace(/\r\n/g, '\n');
  let visible = new EmailReplyParser().read(normalized).getVisibleText();
  for (const header of QUOTE_HEADERS) {
    const match = header.exec(visible);
    if (match) visible = visible.slice(0, match.index);
  }
  const lines = visible.split('\n');
  while (lines.length && (/^\s*>/.test(lines[lines.length - 1]) || lines[lines.length - 1].trim() === '')) lines.pop();
  const trimmed = lines.join('\n').trim();
  return trimmed || normalized.trim();
}

/** Why a message must not become a ticket or reply (loops, robots, bulk), or null. */
export function dropReason(parsed: ParsedMail, from: string | null, ownAddresses: Set<string>): string | null {
  const header = (name: string) => {
    const value = parsed.headers.get(name);
    return typeof value === 'string' ? value.toLowerCase().trim() : value ? JSON.stringify(value).toLowerCase() : '';
  };
  const auto = header('auto-submitted');
  if (auto && !auto.startsWith('no')) return `auto-submitted: ${auto}`;
  const precedence = header('precedence');
  if (['bulk', 'list', 'junk', 'auto_reply'].includes(precedence)) return `precedence: ${precedence}`;
  if (parsed.headers.has('list-id') || parsed.headers.has('list-unsubscribe')) return 'mailing list (List-Id/List-Unsubscribe)';
  if (parsed.headers.has('x-autoreply') || parsed.headers.has('x-autorespond') || header('x-auto-response-suppress').includes('all'))
    return 'auto-reply (X-Autoreply/X-Autorespond)';
  if (!from) return 'no sender address';
  const local = from.split('@')[0];
  if (/^(mailer-daemon|postmaster)$/i.test(local) || isReport(parsed)) return 'bounce (delivery status notification)';
  if (ownAddresses.has(from)) return 'loop: sent from one of our own mailbox addresses';
  return null;
}

function isReport(parsed: ParsedMail): boolean {
  const type = parsed.headers.get('content-type') as { value?: string } | undefined;
  return typeof type === 'object' && type?.value?.toLowerCase() === 'multipart/report';
}

/** `[#123]` in a subject → 123. */
export function ticketNumberIn(subject: string | null): number | null {
  const match = /\[#(\d{1,9})\]/.exec(subject ?? '');
  return match ? Number(match[1]) : null;
}

/** The text a mail adds (quoted history and signature cut), at most `max` characters; its HTML when it has no text. */
export function bodyOf(parsed: ParsedMail, max: number): string {
  const text = parsed.text ?? (typeof parsed.html === 'string' ? htmlToText(parsed.html) : '');
  return (visibleText(text) || '(no text)').slice(0, max);
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
