import { describe, expect, it } from 'vitest';
import { newId } from '../../shared/ports/ids.ts';
import { contact, harness, version } from './journeys-fakes.ts';

const mail = newId();
const text = newId();

describe('journey engine: the contact it reads', () => {
  it('reads the contact once for an enrolment and the steps that follow, and hands it to the send', async () => {
    const v = version({
      trigger: { type: 'event', eventType: 'contact.created' },
      name: 'Two sends',
      steps: [
        { id: 'mail', type: 'send_email', templateId: mail },
        { id: 'text', type: 'send_sms', templateId: text },
        { id: 'pause', type: 'wait', duration: 'P1D' },
      ],
    });
    const h = harness([v]);
    const ada = h.addContact(contact({ phone: '+14155550100' }));
    await h.event('contact.created', ada.id);
    expect(h.contactReads()).toBe(1);
    expect(h.sent.map((r) => [r.channel, r.contact?.id])).toEqual([
      ['email', ada.id],
      ['sms', ada.id],
    ]);
    expect(h.sent[0]!.contact).toEqual(ada);
  });

  it('reads the contact again after a step changed it, so a branch sees the change', async () => {
    const v = version({
      trigger: { type: 'event', eventType: 'contact.created' },
      name: 'Tag, then branch',
      steps: [
        { id: 'tag', type: 'update_contact', addTags: ['vip'] },
        { id: 'pick', type: 'branch', conditions: [{ when: { contact: { tags: ['vip'] } }, goto: 'mail' }], otherwise: 'stop' },
        { id: 'stop', type: 'exit' },
        { id: 'mail', type: 'send_email', templateId: mail },
      ],
    });
    const h = harness([v]);
    const ada = h.addContact(contact());
    await h.event('contact.created', ada.id);
    expect(h.contactReads()).toBe(2);
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]!.contact?.tags).toEqual(['vip']);
  });

  it('reads a contact the caller gave (the sweep’s, from an index) again before the first step', async () => {
    const v = version({
      trigger: { type: 'schedule', every: 'day', segment: { inactiveDays: 90 } },
      name: 'Win-back',
      steps: [{ id: 'mail', type: 'send_email', templateId: mail }],
    });
    const h = harness([v]);
    const stored = h.addContact(contact({ consent: { email: { marketing: { granted: false } } } as never }));
    const seenInIndex = { ...stored, consent: {} };
    await h.engine.enrol(v, 'acme', stored.id, { type: 'schedule', eventId: 'sweep-2026-03-02', data: {} }, seenInIndex);
    expect(h.contactReads()).toBe(1);
    expect(h.sent[0]!.contact).toEqual(stored);
  });
});
