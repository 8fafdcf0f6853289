import type { SNSEvent } from 'aws-lambda';
import { config } from '../../shared/config.ts';
import { systemActor } from '../../shared/domain/actor.ts';
import { toE164 } from '../../shared/domain/normalize.ts';
import { logger } from '../../shared/logger.ts';
import { activitiesApi } from '../activities/api.ts';
import { type Contact, contactsApi } from '../contacts/api.ts';
import { type ConsentChange, changeConsent } from './consent-change.ts';
import { purposes } from './schemas.ts';

/**
 * Inbound SMS: AWS End User Messaging two-way SMS publishes each message a
 * customer sends to one of our numbers to an SNS topic, which invokes this
 * function. The payload (SNS Message, JSON) is
 * { originationNumber, destinationNumber, messageKeyword, messageBody, inboundMessageId, … }.
 *
 * Tenant: each tenant texts from its own number, and SMS_TENANT_BY_NUMBER maps
 * those numbers to tenants ({"+12125550101": "acme"}); "*" names the tenant of
 * any other number (a single-tenant deployment).
 */
interface InboundSms {
  originationNumber?: string;
  destinationNumber?: string;
  messageBody?: string;
  inboundMessageId?: string;
}

const stopWords = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
const startWords = new Set(['START', 'UNSTOP']);

/** The keyword a message is, if it is one: the whole text, any case, trailing punctuation ignored. */
export const keywordOf = (body: string): 'stop' | 'start' | undefined => {
  const word = body
    .trim()
    .replace(/[\s.!]+$/u, '')
    .toUpperCase();
  return stopWords.has(word) ? 'stop' : startWords.has(word) ? 'start' : undefined;
};

const tenantFor = (ourNumber: string | undefined): string | undefined => {
  const map = config.SMS_TENANT_BY_NUMBER;
  return (ourNumber && map[toE164(ourNumber) ?? ourNumber]) ?? map['*'];
};

/**
 * STOP withdraws SMS consent for every purpose (transactional included, as
 * carriers require) with source 'sms-stop'; START grants back exactly what a
 * STOP withdrew. Repeats change nothing, so SNS redelivery is harmless.
 */
export const consentChangeFor = (contact: Contact, keyword: 'stop' | 'start'): ConsentChange | undefined => {
  const sms = contact.consent.sms ?? {};
  const change: Record<string, { granted: boolean; source: string }> = {};
  if (keyword === 'stop') {
    for (const purpose of new Set([...purposes, ...Object.keys(sms)])) {
      if (sms[purpose]?.granted !== false) change[purpose] = { granted: false, source: 'sms-stop' };
    }
  } else {
    for (const [purpose, record] of Object.entries(sms)) {
      if (!record.granted && record.source === 'sms-stop') change[purpose] = { granted: true, source: 'sms-start' };
    }
  }
  return Object.keys(change).length ? { sms: change } : undefined;
};

const contactFor = async (sms: InboundSms) => {
  const tenantId = tenantFor(sms.destinationNumber);
  const from = sms.originationNumber && toE164(sms.originationNumber);
  if (!tenantId || !from) {
    logger.warn('inbound SMS from an unknown number or tenant', { inboundMessageId: sms.inboundMessageId, to: sms.destinationNumber });
    return undefined;
  }
  const contact = await contactsApi.findByPhone({ tenantId, phone: from });
  if (!contact) logger.info('inbound SMS from a number no contact has', { tenantId, inboundMessageId: sms.inboundMessageId });
  return contact ? { tenantId, contact } : undefined;
};

/** A reply that is not a keyword goes on the contact's timeline, once per provider message id. */
const logReply = async (tenantId: string, contact: Contact, sms: InboundSms, receivedAt: string) => {
  if (!sms.inboundMessageId) return logger.warn('inbound SMS without a message id is not logged', { tenantId });
  const entry = {
    type: 'message',
    channel: 'sms',
    direction: 'inbound',
    occurredAt: receivedAt,
    body: sms.messageBody ?? '',
    metadata: { inboundMessageId: sms.inboundMessageId },
  } as const;
  await activitiesApi.record({
    tenantId,
    contactId: contact.id,
    entry,
    actor: systemActor('sms'),
    dedupeKey: `sms/${sms.inboundMessageId}`,
  });
};

const handleInbound = async (sms: InboundSms, receivedAt: string) => {
  const found = await contactFor(sms);
  if (!found) return;
  const keyword = keywordOf(sms.messageBody ?? '');
  if (!keyword) return logReply(found.tenantId, found.contact, sms, receivedAt);
  const change = consentChangeFor(found.contact, keyword);
  if (change) await changeConsent(found.tenantId, found.contact.id, change, systemActor('sms-keyword', keyword));
};

export const handler = async (event: SNSEvent) => {
  for (const record of event.Records) {
    let sms: InboundSms;
    try {
      sms = JSON.parse(record.Sns.Message) as InboundSms;
    } catch {
      logger.warn('inbound SMS notification is not JSON', { messageId: record.Sns.MessageId });
      continue;
    }
    await handleInbound(sms, record.Sns.Timestamp);
  }
};
