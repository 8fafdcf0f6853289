import { createHash } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { normalizeEmail } from '../../shared/domain/normalize.ts';
import { sesTags } from './compose.ts';

/**
 * SES event publishing to EventBridge (configuration set with an EventBridge
 * destination; SES only publishes to the default bus): source 'aws.ses',
 * detail-type 'Email Delivered' | 'Email Bounced' | 'Email Complaint Received'
 * | 'Email Opened' | 'Email Clicked' | …, detail = the event record
 * { eventType, mail: { messageId, destination, tags: { name: [value] } },
 *   bounce | complaint | delivery | open | click: { timestamp, … } }.
 */
interface SesDetail {
  eventType?: string;
  mail?: { messageId?: string; destination?: string[]; tags?: Record<string, string[]> };
  bounce?: { bounceType?: string; bouncedRecipients?: { emailAddress?: string }[]; timestamp?: string };
  complaint?: { complainedRecipients?: { emailAddress?: string }[]; timestamp?: string };
  delivery?: { timestamp?: string };
  open?: { timestamp?: string };
  click?: { timestamp?: string; link?: string };
}

export type FeedbackKind = 'delivered' | 'bounced' | 'complained' | 'opened' | 'clicked';

/** One SES event about one of our messages, in our terms. */
export interface Feedback {
  tenantId: string;
  messageId: string;
  kind: FeedbackKind;
  at: string;
  /** Identifies this event among the message's events, so a redelivered one is recognised. */
  key: string;
  bounceType?: 'permanent' | 'transient' | 'undetermined';
  link?: string;
  /** Recipients the bounce or complaint names, normalised. */
  recipients: string[];
}

const kinds: Record<string, { kind: FeedbackKind; field: 'delivery' | 'bounce' | 'complaint' | 'open' | 'click' }> = {
  Delivery: { kind: 'delivered', field: 'delivery' },
  Bounce: { kind: 'bounced', field: 'bounce' },
  Complaint: { kind: 'complained', field: 'complaint' },
  Open: { kind: 'opened', field: 'open' },
  Click: { kind: 'clicked', field: 'click' },
};

const bounceTypes = { Permanent: 'permanent', Transient: 'transient', Undetermined: 'undetermined' } as const;

const tag = (detail: SesDetail, name: string) => detail.mail?.tags?.[name]?.[0];
const shortHash = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 16);

/** The feedback an SES event carries, or undefined for events we do not track or that are not about our messages. */
export const readSesEvent = (event: EventBridgeEvent<string, unknown>): Feedback | undefined => {
  const detail = (event.detail ?? {}) as SesDetail;
  const mapped = kinds[detail.eventType ?? ''];
  const tenantId = tag(detail, sesTags.tenant);
  const messageId = tag(detail, sesTags.message);
  if (!mapped || !tenantId || !messageId) return undefined;
  const record = detail[mapped.field];
  const at = record?.timestamp ? new Date(record.timestamp).toISOString() : new Date(event.time).toISOString();
  const link = detail.click?.link;
  const recipients = (detail.bounce?.bouncedRecipients ?? detail.complaint?.complainedRecipients ?? []).flatMap((r) =>
    r.emailAddress ? [normalizeEmail(r.emailAddress)] : [],
  );
  return {
    tenantId,
    messageId,
    kind: mapped.kind,
    at,
    // SES may publish an event twice under different EventBridge ids; its own timestamp (and link) identify it.
    key: [mapped.kind, record?.timestamp ?? event.id, ...(link ? [shortHash(link)] : [])].join('#'),
    bounceType:
      mapped.kind === 'bounced' ? (bounceTypes[detail.bounce?.bounceType as keyof typeof bounceTypes] ?? 'undetermined') : undefined,
    link,
    recipients,
  };
};
