import type { EventBridgeEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Contact } from '../../functions/contacts/api.ts';
import { consentChangeFor, keywordOf } from '../../functions/messaging/inbound-sms.ts';
import { readSesEvent } from '../../functions/messaging/ses-events.ts';

const sesEvent = (detailType: string, detail: Record<string, unknown>, id = 'eb-1'): EventBridgeEvent<string, unknown> => ({
  version: '0',
  id,
  'detail-type': detailType,
  source: 'aws.ses',
  account: '123456789012',
  time: '2026-03-02T10:00:05Z',
  region: 'eu-west-1',
  resources: [],
  detail,
});

const mail = {
  messageId: 'ses-0100',
  destination: ['Ana@Example.com'],
  tags: { 'ses:configuration-set': ['rapport'], 'rapport-tenant': ['acme'], 'rapport-message': ['01JMSG'] },
};

describe('SES events from EventBridge', () => {
  it('reads a hard bounce: our tenant and message from the tags, bounce type, recipients', () => {
    const bounce = sesEvent('Email Bounced', {
      eventType: 'Bounce',
      mail,
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: 'Ana@Example.com', status: '5.1.1' }],
        timestamp: '2026-03-02T10:00:02.000Z',
      },
    });
    expect(readSesEvent(bounce)).toEqual({
      tenantId: 'acme',
      messageId: '01JMSG',
      kind: 'bounced',
      at: '2026-03-02T10:00:02.000Z',
      key: 'bounced#2026-03-02T10:00:02.000Z',
      bounceType: 'permanent',
      link: undefined,
      recipients: ['ana@example.com'],
    });
  });

  it('keys an event by its SES timestamp (and link), so a redelivery under another EventBridge id is the same event', () => {
    const click = (id: string, link: string) =>
      readSesEvent(sesEvent('Email Clicked', { eventType: 'Click', mail, click: { link, timestamp: '2026-03-02T11:00:00.000Z' } }, id));
    expect(click('eb-1', 'https://a.example/x')?.key).toBe(click('eb-2', 'https://a.example/x')?.key);
    expect(click('eb-1', 'https://a.example/x')?.key).not.toBe(click('eb-1', 'https://a.example/y')?.key);
    expect(click('eb-1', 'https://a.example/x')).toMatchObject({ kind: 'clicked', link: 'https://a.example/x' });
  });

  it('maps delivery, complaint and open, and ignores other events and mail that is not ours', () => {
    expect(
      readSesEvent(sesEvent('Email Delivered', { eventType: 'Delivery', mail, delivery: { timestamp: '2026-03-02T10:00:01.000Z' } }))?.kind,
    ).toBe('delivered');
    expect(
      readSesEvent(
        sesEvent('Email Complaint Received', {
          eventType: 'Complaint',
          mail,
          complaint: { complainedRecipients: [{ emailAddress: 'ana@example.com' }] },
        }),
      ),
    ).toMatchObject({
      kind: 'complained',
      at: '2026-03-02T10:00:05.000Z',
      key: 'complained#eb-1',
    });
    expect(readSesEvent(sesEvent('Email Opened', { eventType: 'Open', mail, open: { timestamp: '2026-03-02T12:00:00.000Z' } }))?.kind).toBe(
      'opened',
    );
    expect(readSesEvent(sesEvent('Email Sent', { eventType: 'Send', mail }))).toBeUndefined();
    expect(readSesEvent(sesEvent('Email Delivered', { eventType: 'Delivery', mail: { ...mail, tags: {} } }))).toBeUndefined();
  });
});

describe('SMS keywords', () => {
  it('recognises STOP words and START, in any case, as the whole message', () => {
    expect(['STOP', 'stop', ' Stop. ', 'unsubscribe', 'Cancel', 'END', 'quit!', 'STOPALL'].map(keywordOf)).toEqual(Array(8).fill('stop'));
    expect(['START', 'unstop'].map(keywordOf)).toEqual(['start', 'start']);
    expect(['stop sending me offers', 'the end of the story', 'thanks'].map(keywordOf)).toEqual([undefined, undefined, undefined]);
  });

  const at = '2026-01-01T00:00:00.000Z';
  const contact = (consent: Contact['consent']) => ({ consent }) as Contact;

  it('STOP withdraws SMS consent for every purpose; START grants back only what STOP withdrew', () => {
    const before = contact({ sms: { marketing: { granted: true, source: 'form', at }, surveys: { granted: false, source: 'form', at } } });
    expect(consentChangeFor(before, 'stop')).toEqual({
      sms: { marketing: { granted: false, source: 'sms-stop' }, transactional: { granted: false, source: 'sms-stop' } },
    });
    const stopped = contact({
      sms: {
        marketing: { granted: false, source: 'sms-stop', at },
        transactional: { granted: false, source: 'sms-stop', at },
        surveys: { granted: false, source: 'form', at },
      },
    });
    expect(consentChangeFor(stopped, 'stop')).toBeUndefined();
    expect(consentChangeFor(stopped, 'start')).toEqual({
      sms: { marketing: { granted: true, source: 'sms-start' }, transactional: { granted: true, source: 'sms-start' } },
    });
  });
});
