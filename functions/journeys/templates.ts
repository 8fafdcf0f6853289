import type { z } from 'zod';
import type { TemplateInput } from '../messaging/api.ts';
import type { journeyBody } from './schemas.ts';
import type { TemplateName } from './template-names.ts';

/** A message a built-in journey sends: a messaging template, given at install or created from the starter content. */
export interface Slot {
  slot: string;
  channel: 'email' | 'sms';
  starter: TemplateInput;
}

export interface BuiltIn {
  summary: string;
  slots: Slot[];
  /** The journey, given a messaging template id per slot. */
  build(templates: Record<string, string>): z.input<typeof journeyBody>;
}

const greeting = "{{ contact.firstName | default: 'there' }}";
const footer = {
  html: '<p style="font-size:12px;color:#666"><a href="{{ unsubscribeUrl }}">Unsubscribe or change your preferences</a></p>',
  text: '\n\n--\nUnsubscribe or change your preferences: {{ unsubscribeUrl }}',
};
const email = (name: string, subject: string, paragraphs: string[]): TemplateInput => ({
  name,
  channel: 'email',
  subject,
  html: `<p>Hi ${greeting},</p>${paragraphs.map((p) => `<p>${p}</p>`).join('')}${footer.html}`,
  text: `Hi ${greeting},\n\n${paragraphs.join('\n\n')}${footer.text}`,
});

/** Activities that show the contact engaged: any logged by the team, or anything they sent us. */
const engagedActivity = { $or: [{ type: ['call', 'email', 'meeting', 'note'] }, { direction: ['inbound'] }] };

export const builtInTemplates: Record<TemplateName, BuiltIn> = {
  welcome: {
    summary:
      'contact.created with email marketing consent → welcome email → wait 3 days → second email unless the contact replied or an activity was logged',
    slots: [
      {
        slot: 'welcome',
        channel: 'email',
        starter: email('Welcome (journey)', `Welcome, ${greeting}!`, ['Thanks for joining us. We are glad you are here.']),
      },
      {
        slot: 'second',
        channel: 'email',
        starter: email('Welcome follow-up (journey)', 'A few tips to get started', [
          'Here are a few things our customers like to do in their first week.',
        ]),
      },
    ],
    build: (t) => ({
      name: 'Welcome',
      description: 'Welcomes new contacts who agreed to marketing email, and nudges them once if they have not engaged after three days.',
      trigger: { type: 'event', eventType: 'contact.created', filter: { consent: { email: { marketing: { granted: [true] } } } } },
      steps: [
        { id: 'welcome', type: 'send_email', templateId: t.welcome! },
        {
          id: 'engaged',
          type: 'wait_for_event',
          eventType: 'activity.logged',
          filter: engagedActivity,
          timeout: 'P3D',
          onTimeout: 'second',
        },
        { id: 'done', type: 'exit' },
        { id: 'second', type: 'send_email', templateId: t.second! },
      ],
      reentry: { mode: 'never' },
    }),
  },

  'follow-up': {
    summary:
      'a meeting or call logged → task for the owner due next business day → follow-up email after 2 days unless the deal or contact moved on',
    slots: [
      {
        slot: 'follow-up',
        channel: 'email',
        starter: email('Follow-up (journey)', 'Following up on our conversation', [
          'Thanks for your time. Is there anything else we can help with?',
        ]),
      },
    ],
    build: (t) => ({
      name: 'Follow-up',
      description:
        'After a meeting or call, asks the owner to follow up and emails the contact two days later, unless the deal or the contact moved on.',
      trigger: { type: 'event', eventType: 'activity.logged', filter: { type: ['meeting', 'call'] } },
      steps: [
        { id: 'task', type: 'create_task', title: 'Follow up after the conversation', due: 'next_business_day' },
        { id: 'pause', type: 'wait', duration: 'P2D' },
        // The contact's open deals as they are now: one that entered a new stage since the conversation needs no nudge.
        {
          id: 'deal-moved-on',
          type: 'branch',
          conditions: [{ when: { deals: { movedOn: [true] } }, goto: 'moved-on' }],
          otherwise: 'email',
        },
        { id: 'moved-on', type: 'exit' },
        { id: 'email', type: 'send_email', templateId: t['follow-up']! },
      ],
      goals: [{ eventType: 'deal.stage_changed' }, { eventType: 'contact.updated', filter: { changed: ['lifecycleStage'] } }],
      reentry: { mode: 'after_exit' },
    }),
  },

  'win-back': {
    summary:
      'no order or activity for 90 days → at-risk, offer email → wait 7 days → SMS if consented → churned after 30 days; an order exits at once and marks the contact won back',
    slots: [
      {
        slot: 'offer',
        channel: 'email',
        starter: email('Win-back offer (journey)', `We miss you, ${greeting}`, [
          'It has been a while. Here is 15% off your next order, this week only.',
        ]),
      },
      {
        slot: 'sms',
        channel: 'sms',
        starter: {
          name: 'Win-back SMS (journey)',
          channel: 'sms',
          body: `${greeting}, we miss you! 15% off your next order this week. Reply STOP to opt out.`,
        },
      },
    ],
    build: (t) => ({
      name: 'Win-back',
      description: 'Reaches out to customers who have not ordered or engaged for 90 days; an order ends it and marks them won back.',
      trigger: { type: 'schedule', every: 'day', segment: { inactiveDays: 90, lifecycleStages: ['customer', 'loyal'] } },
      steps: [
        { id: 'at-risk', type: 'update_contact', lifecycleStage: 'at-risk' },
        { id: 'offer', type: 'send_email', templateId: t.offer! },
        { id: 'wait-offer', type: 'wait', duration: 'P7D' },
        {
          id: 'sms-consent',
          type: 'branch',
          conditions: [{ when: { contact: { consent: { sms: { marketing: { granted: [true] } } } } }, goto: 'sms' }],
          otherwise: 'grace',
        },
        { id: 'sms', type: 'send_sms', templateId: t.sms! },
        { id: 'grace', type: 'wait', duration: 'P23D' },
        { id: 'churned', type: 'update_contact', lifecycleStage: 'churned' },
        { id: 'watch', type: 'wait', duration: 'P60D' },
      ],
      goals: [{ eventType: 'order.placed', updateContact: { lifecycleStage: 'customer', addTags: ['won-back'] } }],
      reentry: { mode: 'after_exit' },
    }),
  },

  survey: {
    summary:
      'ticket.resolved or order.placed → CSAT (tickets, after 2 hours) or NPS (orders, after 3 days) survey email, at most once per 30 days per contact',
    slots: [],
    build: () => ({
      name: 'Satisfaction survey',
      description: 'Asks for a CSAT score after a resolved ticket and an NPS score after an order, at most once a month per contact.',
      trigger: { type: 'event', eventType: ['ticket.resolved', 'order.placed'] },
      steps: [
        {
          id: 'which',
          type: 'branch',
          conditions: [{ when: { run: { trigger: { type: ['ticket.resolved'] } } }, goto: 'csat' }],
          otherwise: 'nps',
        },
        {
          id: 'csat',
          type: 'send_survey',
          kind: 'csat',
          question: 'How satisfied are you with how we handled your request?',
          commentPrompt: 'Anything we could do better?',
          delay: 'PT2H',
          next: 'done',
        },
        {
          id: 'nps',
          type: 'send_survey',
          kind: 'nps',
          question: 'How likely are you to recommend us to a friend or colleague?',
          commentPrompt: 'What is the main reason for your score?',
          delay: 'P3D',
        },
        { id: 'done', type: 'exit' },
      ],
      reentry: { mode: 'any_time', minIntervalDays: 30 },
    }),
  },
};
