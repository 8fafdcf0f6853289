import { describe, expect, it } from 'vitest';
import {
  cleanSubject,
  htmlToText,
  messageBody,
  messageIds,
  parseEmail,
  stripQuoted,
  subjectReference,
} from '../../functions/intake/email.ts';

const crlf = (lines: string[]) => lines.join('\r\n');

const plain = crlf([
  'Return-Path: <ann@example.com>',
  'Received: from mail.example.com (mail.example.com [192.0.2.10]) by inbound-smtp.eu-west-1.amazonaws.com',
  'From: Ann Smith <Ann@Example.com>',
  'To: Acme Support <support+acme@in.rapport.test>',
  'Cc: bob@example.com',
  'Subject: My order has not arrived',
  'Date: Tue, 1 Dec 2026 09:12:44 +0100',
  'Message-ID: <CAF1234.abcd@mail.example.com>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset="us-ascii"',
  'Content-Transfer-Encoding: 7bit',
  '',
  'Hello,',
  '',
  'order 5521 has not arrived yet.',
  '',
  'Ann',
  '',
]);

const alternative = crlf([
  'From: "Jean Dupont" <jean@example.fr>',
  'To: support+acme@in.rapport.test',
  'Subject: =?UTF-8?Q?Probl=C3=A8me_de_facturation?=',
  'Message-ID: <alt-1@example.fr>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="000000000000b1c2"',
  '',
  '--000000000000b1c2',
  'Content-Type: text/plain; charset="UTF-8"',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'La facture n=C2=B0 42 est factur=C3=A9e deux fois. Merci de v=C3=A9rifier l=E2=80=99a=',
  'bonnement.',
  '',
  '--000000000000b1c2',
  'Content-Type: text/html; charset="UTF-8"',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '<div dir=3D"ltr">La facture n=C2=B0 42 est factur=C3=A9e deux fois.</div>',
  '',
  '--000000000000b1c2--',
  '',
]);

const htmlOnly = crlf([
  'From: shop@example.com',
  'To: support+acme@in.rapport.test',
  'Subject: HTML only',
  'Message-ID: <html-1@example.com>',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<html><head><style>p{color:red}</style></head><body><p>First &amp; second</p><p>Line<br>break &#8364;5</p><script>x()</script></body></html>',
]);

/** A Chinese client: GB2312 base64 subject and sender name, a GB2312 body, an attachment. */
const chinese = Buffer.concat([
  Buffer.from(
    crlf([
      'From: =?GB2312?B?1cXI/Q==?= <zhang.san@example.cn>',
      'To: =?GB2312?B?v827p7f+zvE=?= <support+acme@in.rapport.test>',
      'Subject: =?GB2312?B?tqm1pc60ytW1vQ==?=',
      'Message-ID: <20261201101010.123@example.cn>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="----=_Part_1"',
      '',
      '------=_Part_1',
      'Content-Type: text/plain; charset=GB2312',
      'Content-Transfer-Encoding: 8bit',
      '',
      '',
    ]),
  ),
  // "您好，我的订单还没有收到。" in GB2312
  Buffer.from('c4fabac3a3acced2b5c4b6a9b5a5bbb9c3bbd3d0cad5b5bda1a3', 'hex'),
  Buffer.from(
    crlf([
      '',
      '------=_Part_1',
      'Content-Type: image/png; name="photo.png"',
      'Content-Disposition: attachment; filename="photo.png"',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      '------=_Part_1--',
      '',
    ]),
  ),
]);

const threadedReply = crlf([
  'From: Ann Smith <ann@example.com>',
  'To: support+acme@in.rapport.test',
  'Subject: RE: Re: My order has not arrived [T-1042]',
  'Message-ID: <reply-2@mail.example.com>',
  'In-Reply-To: <agent-1@rapport.test>',
  'References: <CAF1234.abcd@mail.example.com>',
  ' <agent-1@rapport.test>',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'It arrived today, thanks!',
  '',
  'On Tue, 1 Dec 2026 at 10:00, Acme Support <support@acme.test>',
  'wrote:',
  '> We are looking into it.',
  '>',
  '> > order 5521 has not arrived yet.',
]);

describe('the email parser', () => {
  it('reads a plain message: sender, recipients, subject, text and ids', async () => {
    const mail = await parseEmail(plain);
    expect(mail).toMatchObject({
      messageId: 'CAF1234.abcd@mail.example.com',
      from: { address: 'ann@example.com', name: 'Ann Smith' },
      to: ['support+acme@in.rapport.test', 'bob@example.com'],
      subject: 'My order has not arrived',
      text: 'Hello,\n\norder 5521 has not arrived yet.\n\nAnn',
      answers: [],
      attachments: [],
      automatic: false,
    });
  });

  it('takes the text part of multipart/alternative, decoding quoted-printable and an encoded-word subject', async () => {
    const mail = await parseEmail(alternative);
    expect(mail.subject).toBe('Problème de facturation');
    expect(mail.text).toBe('La facture n° 42 est facturée deux fois. Merci de vérifier l’abonnement.');
    expect(mail.from).toEqual({ address: 'jean@example.fr', name: 'Jean Dupont' });
  });

  it('reads an HTML-only message as text', async () => {
    expect((await parseEmail(htmlOnly)).text).toBe('First & second\nLine\nbreak €5');
  });

  it('decodes GB2312 subjects, names and bodies, and lists attachments without keeping them', async () => {
    const mail = await parseEmail(new Uint8Array(chinese));
    expect(mail.subject).toBe('订单未收到');
    expect(mail.from).toEqual({ address: 'zhang.san@example.cn', name: '张三' });
    expect(mail.text).toBe('您好，我的订单还没有收到。');
    expect(mail.attachments).toEqual([{ filename: 'photo.png', mimeType: 'image/png', size: 70 }]);
  });

  it('reads UTF-8 encoded-words split over several words', async () => {
    const mail = await parseEmail(
      crlf(['From: a@example.com', 'Subject: =?UTF-8?B?5oiR55qE6K6i5Y2V?= =?UTF-8?B?5rKh5pyJ5Yiw?=', 'Message-ID: <u@x>', '', 'x']),
    );
    expect(mail.subject).toBe('我的订单没有到');
  });

  it('lists what a reply answers: In-Reply-To first, then References newest first', async () => {
    const mail = await parseEmail(threadedReply);
    expect(mail.answers).toEqual(['agent-1@rapport.test', 'CAF1234.abcd@mail.example.com']);
    expect(subjectReference(mail.subject)).toBe('T-1042');
    expect(cleanSubject(mail.subject)).toBe('My order has not arrived');
  });

  it('gives a message without Message-ID a stable id of its content', async () => {
    const raw = crlf(['From: a@example.com', 'Subject: no id', '', 'body']);
    const first = await parseEmail(raw);
    expect(first.messageId).toMatch(/^[0-9a-f]{64}@rapport\.invalid$/);
    expect((await parseEmail(raw)).messageId).toBe(first.messageId);
  });

  it('recognises automatic replies', async () => {
    const auto = crlf(['From: a@example.com', 'Auto-Submitted: auto-replied', 'Subject: Out of office', 'Message-ID: <o@x>', '', 'away']);
    expect((await parseEmail(auto)).automatic).toBe(true);
    const bulk = crlf(['From: a@example.com', 'Precedence: bulk', 'Subject: News', 'Message-ID: <n@x>', '', 'news']);
    expect((await parseEmail(bulk)).automatic).toBe(true);
  });

  it('reads message id lists with and without brackets', () => {
    expect(messageIds('<a@b>  <c@d>\r\n <e@f>')).toEqual(['a@b', 'c@d', 'e@f']);
    expect(messageIds('a@b')).toEqual(['a@b']);
    expect(messageIds(undefined)).toEqual([]);
  });

  it('decodes numeric and named entities in HTML', () => {
    expect(htmlToText('a&nbsp;b &lt;c&gt; &#x4e2d;&#25991; &bogus;')).toBe('a b <c> 中文 &bogus;');
  });
});

describe('quoted history', () => {
  it('cuts a reply at a two-line "On … wrote:" and drops the quotes after it', async () => {
    expect(stripQuoted((await parseEmail(threadedReply)).text)).toBe('It arrived today, thanks!');
  });

  it('cuts at Outlook and Chinese headers of the original', () => {
    expect(stripQuoted('Fine now.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\n\nold')).toBe('Fine now.');
    expect(stripQuoted('Thanks\n________________________________\nFrom: Acme Support\nSent: Tuesday\nTo: Ann')).toBe('Thanks');
    expect(stripQuoted('Thanks\n\nFrom: Acme Support <s@acme.test>\nSent: Tuesday\nSubject: Re: x\n\nold')).toBe('Thanks');
    expect(stripQuoted('好的，谢谢\n\n在 2026年12月1日 10:00，Acme Support 写道：\n> 我们正在处理')).toBe('好的，谢谢');
  });

  it('keeps answers written between quoted lines', () => {
    const inline = '> Which order?\n5521\n> And the date?\nMonday\n\n> old trailing quote';
    expect(stripQuoted(inline)).toBe('> Which order?\n5521\n> And the date?\nMonday');
  });

  it('keeps a message that is nothing but quotes whole', () => {
    expect(stripQuoted('> forwarded text\n> more')).toBe('> forwarded text\n> more');
  });

  it('lists attachments under the body, never an empty body', () => {
    expect(messageBody('Hi', [{ filename: 'a.pdf', mimeType: 'application/pdf', size: 2048 }])).toBe(
      'Hi\n\nAttachments (not kept):\n- a.pdf (application/pdf, 2 KB)',
    );
    expect(messageBody('  ', [])).toBe('(no text)');
  });

  it('cleans reply prefixes in several languages', () => {
    expect(cleanSubject('回复：Re: AW: Fwd: 订单 [T-7]')).toBe('订单');
    expect(cleanSubject('Re[2]: hello')).toBe('hello');
    expect(cleanSubject('Regarding the invoice')).toBe('Regarding the invoice');
  });
});
