import { describe, expect, it } from 'vitest';
import { compileErrors, renderContent } from '../../functions/messaging/liquid.ts';
import { createTemplateBody } from '../../functions/messaging/schemas.ts';

describe('Liquid templates', () => {
  it('names each field that does not compile', async () => {
    expect(await compileErrors({ subject: 'Hi {{ contact.firstName', html: '<p>{% if %}</p>', text: 'fine {{ x }}' })).toEqual({
      'body.subject': [expect.stringContaining('not closed')],
      'body.html': [expect.stringContaining('invalid value expression')],
    });
    expect(await compileErrors({ body: 'Hi {{ contact.firstName | upcase }}' })).toEqual({});
  });

  it('refuses unknown filters at compile time (strict filters) but renders unknown variables as empty', async () => {
    expect(await compileErrors({ text: '{{ contact.firstName | shout }}' })).toEqual({
      'body.text': [expect.stringContaining('undefined filter: shout')],
    });
    expect(await renderContent({ text: 'Hi {{ contact.nickname }}!' }, { contact: {} })).toEqual({ text: 'Hi !' });
  });

  it('cannot read files', async () => {
    for (const tag of ['include', 'render', 'layout']) {
      expect(await compileErrors({ text: `{% ${tag} 'package.json' %}` })).toEqual({
        'body.text': [expect.stringContaining(`${tag} %} is not available`)],
      });
    }
  });

  it('escapes values in HTML only, with raw as the way out', async () => {
    const contact = { firstName: 'Tom & <Jerry>' };
    const out = await renderContent(
      { subject: '{{ contact.firstName }}', html: '<p>{{ contact.firstName }}</p>{{ banner | raw }}' },
      { contact, banner: '<hr>' },
    );
    expect(out).toEqual({ subject: 'Tom & <Jerry>', html: '<p>Tom &amp; &lt;Jerry&gt;</p><hr>' });
  });

  it('asks email templates for a subject and html or text, and SMS templates for a body only', () => {
    const issues = (body: unknown) => createTemplateBody.safeParse(body).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ name: 'w', channel: 'email', html: '<p>x</p>' })).toEqual(['subject: an email template needs a subject']);
    expect(issues({ name: 'w', channel: 'sms', body: 'x', subject: 'y' })).toEqual(['subject: SMS templates have only a body']);
    expect(issues({ name: 'w', channel: 'email', subject: 's', text: 't' })).toBeUndefined();
  });
});
