import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalOutbox } from '../../infra/local/outbox.ts';
import { useTestRuntime } from '../support/runtime.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rapport-outbox-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the local message outbox', () => {
  it('keeps every email and SMS sent, and finds them again after a restart', async () => {
    const file = join(dataDir, 'outbox.jsonl');
    const outbox = createLocalOutbox(file);
    const email = await outbox.sendEmail({
      to: 'ada@example.com',
      from: 'hello@rapport.dev',
      subject: '欢迎',
      html: '<p>Hi</p>',
      tags: { journey: 'welcome' },
    });
    const sms = await outbox.sendSms({ to: '+442079460958', body: 'Your code is 123' });
    expect(email.messageId).not.toBe(sms.messageId);

    const restarted = createLocalOutbox(file);
    expect(restarted.messages()).toEqual([
      {
        messageId: email.messageId,
        sentAt: expect.any(String),
        channel: 'email',
        email: expect.objectContaining({ to: 'ada@example.com', subject: '欢迎' }),
      },
      { messageId: sms.messageId, sentAt: expect.any(String), channel: 'sms', sms: { to: '+442079460958', body: 'Your code is 123' } },
    ]);
  });

  it('keeps messages in memory only when given no file', async () => {
    const outbox = createLocalOutbox();
    await outbox.sendSms({ to: '+15550100', body: 'hi' });
    expect(outbox.messages()).toHaveLength(1);
    expect(createLocalOutbox().messages()).toEqual([]);
  });
});

describe('GET /dev/outbox', () => {
  const rt = useTestRuntime();
  it('shows the messages the runtime sent instead of SES/SNS, newest first', async () => {
    await rt.outbox.sendEmail({ to: 'a@example.com', from: 'team@rapport.dev', subject: 'First', text: 'one' });
    await rt.outbox.sendSms({ to: '+14155550123', body: 'Second' });
    const res = await fetch(`${rt.url}/dev/outbox`);
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { channel: string }[] };
    expect(items.map((m) => m.channel)).toEqual(['sms', 'email']);
  });
});
