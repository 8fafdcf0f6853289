import type { EventBridgeEvent, SNSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { handler as inboundSms } from '../../functions/messaging/inbound-sms.ts';
import { sendMessage } from '../../functions/messaging/send.ts';
import { handler as sesSubscriber } from '../../functions/messaging/subscriber.ts';
import type { BusEvent } from '../../infra/local/bus.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import type { Role } from '../../shared/http/route.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

const clock = new ManualClock(new Date('2026-03-02T11:00:00Z'));
const rt = useTestRuntime({ clock });
const api =
  (tenant: string, role: Role = 'admin') =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role]))(...args);

const ourNumber = '+12125550101';
beforeAll(() => {
  process.env.PUBLIC_BASE_URL = rt.url;
});

const newContact = async (tenant: string, body: Record<string, unknown>) =>
  (await api(tenant)('POST', '/contacts', body)).body as { id: string };
const marketingEmail = (tenant: string, contactId: string, dedupeKey: string) =>
  sendMessage({
    tenantId: tenant,
    contactId,
    channel: 'email',
    purpose: 'marketing',
    content: { subject: 'News', html: '<p>News</p>' },
    dedupeKey,
  });

/** An SES event as EventBridge delivers it from a configuration set's EventBridge destination. */
const sesEvent = (
  tenant: string,
  messageId: string,
  detailType: string,
  detail: Record<string, unknown>,
  id = crypto.randomUUID(),
): EventBridgeEvent<string, unknown> => ({
  version: '0',
  id,
  'detail-type': detailType,
  source: 'aws.ses',
  account: '123456789012',
  time: clock.now().toISOString(),
  region: 'us-east-1',
  resources: [],
  detail: {
    mail: {
      messageId: `ses-${messageId}`,
      destination: [],
      tags: { 'ses:configuration-set': ['rapport'], 'rapport-tenant': [tenant], 'rapport-message': [messageId] },
    },
    ...detail,
  },
});

const messageEvents = (tenant: string) => {
  const seen: BusEvent[] = [];
  rt.bus.onEvent((e) => (e.detail as { tenantId?: string }).tenantId === tenant && e['detail-type'].startsWith('message.') && seen.push(e));
  return seen;
};

describe('SES feedback', () => {
  it('a hard bounce suppresses the address at once, once, however often SES delivers it', async () => {
    const tenant = uniqueTenant('msg-bounce');
    const seen = messageEvents(tenant);
    const contact = await newContact(tenant, { email: 'Gone@Bounce.example', consent: { email: { marketing: true } } });
    const sent = (await marketingEmail(tenant, contact.id, 'b-1')) as { messageId: string };

    const bounce = sesEvent(tenant, sent.messageId, 'Email Bounced', {
      eventType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: 'gone@bounce.example' }],
        timestamp: '2026-03-02T11:00:03.000Z',
      },
    });
    await sesSubscriber(bounce);
    await sesSubscriber(bounce); // EventBridge redelivery
    await sesSubscriber({ ...bounce, id: crypto.randomUUID() }); // SES publishing the same bounce twice

    const suppressions = await api(tenant, 'marketing')('GET', '/suppressions?channel=email');
    expect(suppressions.body.items).toEqual([
      expect.objectContaining({ channel: 'email', address: 'gone@bounce.example', reason: 'hard-bounce', messageId: sent.messageId }),
    ]);
    const log = await api(tenant, 'support')('GET', `/messages?contactId=${contact.id}`);
    expect(log.body.items[0]).toMatchObject({ status: 'bounced', bounceType: 'permanent', bouncedAt: '2026-03-02T11:00:03.000Z' });
    const timeline = await api(tenant, 'support')('GET', `/contacts/${contact.id}/activities`);
    expect(timeline.body.items.map((a: { subject: string }) => a.subject)).toEqual(['Email bounced (permanent): News', 'News']);

    await clock.advance(24 * 3600 * 1000);
    expect(await marketingEmail(tenant, contact.id, 'b-2')).toMatchObject({ status: 'skipped', reason: 'suppressed' });
    await rt.settle();
    expect(seen.map((e) => e['detail-type'])).toEqual(['message.sent', 'message.bounced']);
    expect(seen[1]?.detail).toMatchObject({
      data: { messageId: sent.messageId, contactId: contact.id, channel: 'email', bounceType: 'permanent' },
    });
  });

  it('records delivery, opens and clicks, and suppresses on a complaint', async () => {
    const tenant = uniqueTenant('msg-engage');
    const seen = messageEvents(tenant);
    const contact = await newContact(tenant, { email: 'reader@engage.example', consent: { email: { marketing: true } } });
    const { messageId } = (await marketingEmail(tenant, contact.id, 'e-1')) as { messageId: string };
    const later = (minutes: number) => new Date(clock.now().getTime() + minutes * 60_000).toISOString();
    const [delivered, opened, reopened, clicked, complained] = [1, 60, 120, 121, 180].map(later);

    await sesSubscriber(sesEvent(tenant, messageId, 'Email Delivered', { eventType: 'Delivery', delivery: { timestamp: delivered } }));
    await sesSubscriber(sesEvent(tenant, messageId, 'Email Opened', { eventType: 'Open', open: { timestamp: opened } }));
    await sesSubscriber(sesEvent(tenant, messageId, 'Email Opened', { eventType: 'Open', open: { timestamp: reopened } }));
    await sesSubscriber(
      sesEvent(tenant, messageId, 'Email Clicked', {
        eventType: 'Click',
        click: { link: 'https://shop.example/sale', timestamp: clicked },
      }),
    );
    await sesSubscriber(
      sesEvent(tenant, messageId, 'Email Complaint Received', {
        eventType: 'Complaint',
        complaint: { complainedRecipients: [{ emailAddress: 'reader@engage.example' }], timestamp: complained },
      }),
    );

    const { body } = await api(tenant, 'analyst')('GET', `/messages?contactId=${contact.id}`);
    expect(body.items[0]).toMatchObject({
      status: 'complained',
      deliveredAt: delivered,
      openedAt: opened,
      clickedAt: clicked,
      complainedAt: complained,
    });
    const suppressions = await api(tenant, 'marketing')('GET', '/suppressions');
    expect(suppressions.body.items).toEqual([expect.objectContaining({ address: 'reader@engage.example', reason: 'complaint' })]);
    const timeline = await api(tenant, 'analyst')('GET', `/contacts/${contact.id}/activities`);
    expect(timeline.body.items.map((a: { subject: string }) => a.subject)).toEqual([
      'Marked as spam: News',
      'Link clicked in: News',
      'Email opened: News',
      'News',
    ]);
    await rt.settle();
    expect(seen.map((e) => e['detail-type'])).toEqual([
      'message.sent',
      'message.delivered',
      'message.opened',
      'message.opened',
      'message.clicked',
      'message.complained',
    ]);
  });
});

describe('inbound SMS', () => {
  const sns = (from: string, body: string, inboundMessageId: string = crypto.randomUUID()): SNSEvent => ({
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:inbound-sms:sub',
        Sns: {
          Type: 'Notification',
          MessageId: crypto.randomUUID(),
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:inbound-sms',
          Subject: '',
          Message: JSON.stringify({
            originationNumber: from,
            destinationNumber: ourNumber,
            messageKeyword: 'KEYWORD_123456789012',
            messageBody: body,
            inboundMessageId,
          }),
          Timestamp: clock.now().toISOString(),
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  });

  it('withdraws SMS consent on STOP (so marketing texts stop) and grants it back on START', async () => {
    const tenant = uniqueTenant('msg-stop');
    process.env.SMS_TENANT_BY_NUMBER = JSON.stringify({ [ourNumber]: tenant });
    const contact = await newContact(tenant, { phone: '+1 415 555 0123', consent: { sms: { marketing: true } } });
    const text = (dedupeKey: string) =>
      sendMessage({
        tenantId: tenant,
        contactId: contact.id,
        channel: 'sms',
        purpose: 'marketing',
        content: { body: 'Sale today' },
        dedupeKey,
      });
    expect(await text('t-1')).toMatchObject({ status: 'sent' });

    await inboundSms(sns('+14155550123', 'Stop'));
    const stopped = (await api(tenant)('GET', `/contacts/${contact.id}`)).body;
    expect(stopped.consent.sms).toMatchObject({
      marketing: { granted: false, source: 'sms-stop' },
      transactional: { granted: false, source: 'sms-stop' },
    });
    await clock.advance(24 * 3600 * 1000);
    expect(await text('t-2')).toMatchObject({ status: 'skipped', reason: 'no-consent' });

    await inboundSms(sns('+14155550123', 'START'));
    const restarted = (await api(tenant)('GET', `/contacts/${contact.id}`)).body;
    expect(restarted.consent.sms.marketing).toMatchObject({ granted: true, source: 'sms-start' });
    expect(await text('t-3')).toMatchObject({ status: 'sent' });
  });

  it('puts an ordinary reply on the contact timeline once, however often SNS delivers it', async () => {
    const tenant = uniqueTenant('msg-reply');
    process.env.SMS_TENANT_BY_NUMBER = JSON.stringify({ [ourNumber]: tenant });
    const contact = await newContact(tenant, { phone: '+1 415 555 0177' });
    const reply = sns('+14155550177', 'Can we talk on Friday?', 'inbound-msg-1');
    await inboundSms(reply);
    await inboundSms(reply);
    const timeline = (await api(tenant, 'analyst')('GET', `/contacts/${contact.id}/activities`)).body;
    expect(timeline.items).toEqual([
      expect.objectContaining({
        type: 'message',
        channel: 'sms',
        direction: 'inbound',
        body: 'Can we talk on Friday?',
        metadata: { inboundMessageId: 'inbound-msg-1' },
      }),
    ]);
  });
});

describe('one-click unsubscribe (RFC 8058)', () => {
  it('withdraws email marketing consent from the List-Unsubscribe POST, with the link as source', async () => {
    const tenant = uniqueTenant('msg-oneclick');
    const contact = await newContact(tenant, { email: 'click@oneclick.example', consent: { email: { marketing: true, surveys: true } } });
    await marketingEmail(tenant, contact.id, 'o-1');
    const mail = rt.outbox.messages().find((m) => m.channel === 'email' && m.email.to === 'click@oneclick.example');
    const url = /^<(.+)>$/.exec(mail?.channel === 'email' ? mail.email.headers!['List-Unsubscribe']! : '')![1]!;

    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are unsubscribed');
    const after = (await api(tenant)('GET', `/contacts/${contact.id}`)).body;
    expect(after.consent.email).toMatchObject({ marketing: { granted: false, source: 'unsubscribe-link' }, surveys: { granted: true } });

    const forged = await fetch(
      url.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' },
    );
    expect(forged.status).toBe(400);
    expect(forged.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await forged.text()).toContain('This link does not work');
  });

  it('accepts the one-click POST as multipart/form-data, as RFC 8058 recommends to mail clients', async () => {
    const tenant = uniqueTenant('msg-multipart');
    const contact = await newContact(tenant, { email: 'multi@oneclick.example', consent: { email: { marketing: true } } });
    await marketingEmail(tenant, contact.id, 'm-1');
    const mail = rt.outbox.messages().find((m) => m.channel === 'email' && m.email.to === 'multi@oneclick.example');
    const url = /^<(.+)>$/.exec(mail?.channel === 'email' ? mail.email.headers!['List-Unsubscribe']! : '')![1]!;
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const res = await fetch(url, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect((await api(tenant)('GET', `/contacts/${contact.id}`)).body.consent.email.marketing).toMatchObject({ granted: false });
  });
});
