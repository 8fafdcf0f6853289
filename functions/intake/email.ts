import { createHash } from 'node:crypto';
import { normalizeEmail } from '../../shared/domain/normalize.ts';

/** An attachment as a ticket lists it: its name, type and size, never its content. */
export interface AttachmentInfo {
  filename: string;
  mimeType: string;
  size: number;
}

/** What intake reads from one RFC 5322 message. */
export interface ParsedEmail {
  /** The Message-ID without angle brackets; a hash of the raw message for one that has none. */
  messageId: string;
  from?: { address: string; name?: string };
  /** Every address of To and Cc, normalised. */
  to: string[];
  subject: string;
  /** The text part, or the HTML part read as text; line ends are \n. */
  text: string;
  /** In-Reply-To, then References newest first: the messages this one answers. */
  answers: string[];
  attachments: AttachmentInfo[];
  /** Sent by a machine (Auto-Submitted other than "no", Precedence bulk/junk/auto_reply): an auto-reply is never a ticket. */
  automatic: boolean;
  date?: string;
}

/** `<a@b> <c@d>` → ['a@b', 'c@d']; also takes ids without brackets. */
export const messageIds = (header: string | undefined): string[] => {
  if (!header) return [];
  const bracketed = [...header.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  if (bracketed.length) return bracketed;
  return header.split(/[\s,]+/).filter((id) => id.includes('@'));
};

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The text a reader sees in an HTML body: blocks and breaks become new lines, tags go, entities are decoded. */
export const htmlToText = (html: string): string =>
  html
    .replace(/<(script|style|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote)\s*>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1]?.toLowerCase() === 'x' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return entities[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

const header = (headers: { key: string; value: string }[], name: string) => headers.find((h) => h.key === name)?.value;

const isAutomatic = (headers: { key: string; value: string }[]) => {
  const auto = header(headers, 'auto-submitted')?.trim().toLowerCase();
  const precedence = header(headers, 'precedence')?.trim().toLowerCase();
  return (!!auto && auto !== 'no') || ['bulk', 'junk', 'auto_reply', 'list'].includes(precedence ?? '');
};

const addressOf = (value: string | undefined) => (value?.includes('@') ? normalizeEmail(value) : undefined);

type Addresses = { address?: string; name?: string; group?: { address?: string; name?: string }[] }[] | undefined;
const flatten = (list: Addresses) => (list ?? []).flatMap((a) => (a.group ? a.group : [a]));

/**
 * Reads a raw RFC 5322 message (MIME, quoted-printable and base64 bodies,
 * encoded-word headers in any charset the runtime decodes, GB2312 and UTF-8
 * included) with postal-mime. Attachments are listed, not kept.
 */
export const parseEmail = async (raw: string | Uint8Array): Promise<ParsedEmail> => {
  // Loaded on first use: the HTTP routes of intake (ingest, forms) never parse mail.
  const { default: PostalMime } = await import('postal-mime');
  const mail = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  const rawId = messageIds(mail.messageId)[0] ?? mail.messageId?.trim();
  const messageId = rawId || `${createHash('sha256').update(raw).digest('hex')}@rapport.invalid`;
  const from = addressOf(mail.from?.address);
  const text = mail.text?.trim() ? mail.text : mail.html ? htmlToText(mail.html) : '';
  return {
    messageId,
    ...(from && { from: { address: from, ...(mail.from?.name?.trim() && { name: mail.from.name.trim() }) } }),
    to: [...flatten(mail.to as Addresses), ...flatten(mail.cc as Addresses)].flatMap((a) => addressOf(a.address) ?? []),
    subject: (mail.subject ?? '').replace(/\s+/g, ' ').trim(),
    text: text.replace(/\r\n?/g, '\n').trim(),
    answers: [...new Set([...messageIds(mail.inReplyTo), ...messageIds(mail.references).reverse()])].filter((id) => id !== messageId),
    attachments: mail.attachments.map((a) => ({
      filename: a.filename ?? 'unnamed',
      mimeType: a.mimeType,
      size: typeof a.content === 'string' ? a.content.length : a.content.byteLength,
    })),
    automatic: isAutomatic(mail.headers),
    ...(mail.date && { date: mail.date }),
  };
};

/** A ticket reference in a subject, as outgoing mail carries it: "Re: Late delivery [T-1042]". */
export const subjectReference = (subject: string): string | undefined => /\[(T-\d{1,12})\]/i.exec(subject)?.[1]?.toUpperCase();

/** The subject without reply and forward prefixes (Re:, Fwd:, AW:, 回复:) nor the ticket reference. */
export const cleanSubject = (subject: string): string => {
  let s = subject.replace(/\[T-\d{1,12}\]/gi, ' ');
  for (;;) {
    const next = s.replace(/^\s*(re|fw|fwd|aw|wg|sv|vs|r|回复|答复|转发)\s*(\[\d+\])?\s*[:：]\s*/i, '');
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, ' ').trim();
};

/**
 * Lines that start the quoted history of a reply: "On … wrote:" (and its
 * two-line form), Outlook's "-----Original Message-----" and "From: … Sent:"
 * block, Chinese clients' "在 … 写道：", a line of underscores before "From:".
 */
const historyStarts = [
  /^on\b.{0,300}\bwrote:\s*$/i,
  /^-{2,}\s*(original message|forwarded message|原始邮件|转发邮件)\s*-{2,}$/i,
  /^在.{0,200}写道[:：]\s*$/,
  /^(le|am|el)\b.{0,300}(a écrit|schrieb|escribió)\s*:\s*$/i,
];
const fromBlock = /^(from|发件人)\s*[:：]/i;
const sentLine = /^(sent|date|发送时间|日期)\s*[:：]/i;

/**
 * The new text of a reply: cut at the first line that opens the quoted
 * history, and without the ">" lines that trail it. Quoted lines between new
 * paragraphs (an inline answer) are kept, so nothing the customer wrote is lost.
 */
export const stripQuoted = (text: string): string => {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const twoLines = `${line} ${lines[i + 1]?.trim() ?? ''}`;
    if (historyStarts.some((p) => p.test(line)) || (/^on\b/i.test(line) && historyStarts[0]!.test(twoLines))) {
      end = i;
      break;
    }
    if (/^_{5,}$/.test(line) && fromBlock.test(lines[i + 1]?.trim() ?? '')) {
      end = i;
      break;
    }
    if (fromBlock.test(line) && lines.slice(i + 1, i + 4).some((l) => sentLine.test(l.trim())) && i > 0) {
      end = i;
      break;
    }
  }
  const kept = lines.slice(0, end);
  while (kept.length && (kept.at(-1)!.trim() === '' || kept.at(-1)!.trimStart().startsWith('>'))) kept.pop();
  const result = kept.join('\n').trim();
  // A message that is nothing but quotes (a forward) keeps its text: a ticket message is never empty.
  return result || text.trim();
};

/** A size people read: 512 B, 12 KB, 3.4 MB. */
const readableSize = (bytes: number) =>
  bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The body a ticket message gets: the text, then a line per attachment (its content is not kept). */
export const messageBody = (text: string, attachments: AttachmentInfo[]): string => {
  const listing = attachments.map((a) => `- ${a.filename} (${a.mimeType}, ${readableSize(a.size)})`);
  const body = [text.trim() || '(no text)', ...(listing.length ? ['', 'Attachments (not kept):', ...listing] : [])].join('\n');
  return body;
};
