import * as z from 'zod';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import { logger } from '../../shared/logger.ts';
import type { Clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import type { Messages } from '../../shared/ports/messages.ts';
import type { Scheduler } from '../../shared/ports/scheduler.ts';
import type { ActivityInput } from '../activities/api.ts';
import type { Company } from '../companies/api.ts';
import type { Contact, OrderSummary } from '../contacts/api.ts';
import { compose, type Outgoing } from './compose.ts';
import { messageRef } from './message-ref.ts';
import { claimLeaseMs, type Expected, type MessageStore } from './message-store.ts';
import { addressOf, type CapCounter, decide } from './policy.ts';
import {
  type Content,
  contentFields,
  type MessageLog,
  type MessagingSettings,
  type SendChannel,
  type SendOutcome,
  type SendRequest,
  type SkipReason,
  type StoredRequest,
  sendRequestSchema,
  type Template,
  type TemplateVersion,
} from './schemas.ts';

/** Everything the sender reads and writes, so the policy runs against fakes in unit tests. */
export interface SenderDeps {
  store: MessageStore;
  contact(tenantId: string, id: string): Promise<Contact | undefined>;
  company(tenantId: string, id: string): Promise<Company | undefined>;
  recentOrders(tenantId: string, contactId: string): Promise<OrderSummary[]>;
  templates: {
    head(tenantId: string, id: string): Promise<Template | undefined>;
    version(tenantId: string, id: string, version: number): Promise<TemplateVersion | undefined>;
  };
  settings(tenantId: string): Promise<MessagingSettings>;
  suppressed(tenantId: string, channel: SendChannel, address: string): Promise<boolean>;
  /** `contact` is the contact as this send read it. */
  timeline(tenantId: string, contactId: string, entry: ActivityInput, contact: Contact): Promise<void>;
  messages(): Messages;
  scheduler(): Scheduler;
  clock(): Clock;
}

type Written = 'ok' | 'conflict' | 'capped';

const settlePolls = 20;
const settlePollMs = 100;

/**
 * Sending, once per dedupe key. The log item moves through
 *   (new) → deferred → claimed → sent | failed,   or → skipped
 * and every move is a conditional write, so two deliveries of the same
 * request (or of the same scheduled job) cannot both pass a step.
 *
 * The claim is written before the provider is called. If the process dies
 * between the claim and the provider's answer, nobody knows whether the
 * message left: the item stays `claimed`. For marketing and surveys we prefer
 * at-most-once — a retry with the same key answers `duplicate` and never sends
 * again, because a lost promotional email is cheap and a doubled one costs
 * trust. Transactional messages (a receipt, a reset link) prefer
 * at-least-once: a retry finding a claim older than the lease takes it over
 * and sends, accepting a rare duplicate.
 */
export const createSender = (deps: SenderDeps) => {
  const write = async (
    tenantId: string,
    log: MessageLog,
    expected: Expected | undefined,
    set: Partial<MessageLog>,
    caps: CapCounter[],
    events: DomainEvent[],
  ): Promise<Written> => {
    if (!expected) {
      const created = await deps.store.create(tenantId, { ...log, ...set }, caps, events);
      return created === 'created' ? 'ok' : created === 'capped' ? 'capped' : 'conflict';
    }
    const remove: (keyof MessageLog)[] = set.status === 'deferred' ? [] : ['request'];
    const moved = await deps.store.move(tenantId, log, expected, { set, remove }, caps, events);
    return moved === 'moved' ? 'ok' : moved === 'capped' ? 'capped' : 'conflict';
  };

  const duplicate = (log: MessageLog): SendOutcome => ({ status: 'skipped', reason: 'duplicate', messageId: log.id });

  /**
   * What the first attempt with this dedupe key came to, so a retry (a journey
   * step run twice) records the same outcome; `duplicate` only while the first
   * attempt's fate is unknown (a claim still in flight, or abandoned).
   */
  const firstOutcome = (log: MessageLog): SendOutcome => {
    if (['sent', 'delivered', 'bounced', 'complained'].includes(log.status)) return { status: 'sent', messageId: log.id };
    if (log.status === 'skipped' && log.reason) return { status: 'skipped', reason: log.reason as SkipReason, messageId: log.id };
    if (log.status === 'failed') return { status: 'failed', reason: log.reason ?? 'failed', messageId: log.id };
    return duplicate(log);
  };

  const schedule = (tenantId: string, log: Pick<MessageLog, 'id' | 'deferrals' | 'deferredUntil'>) =>
    deps.scheduler().schedule({
      name: `msg-${log.id}-${log.deferrals ?? 1}`,
      at: new Date(log.deferredUntil!),
      target: 'messaging',
      payload: { tenantId, messageId: log.id },
    });

  const loadContent = async (
    tenantId: string,
    request: StoredRequest,
  ): Promise<{ content: Content; version?: number } | { error: string }> => {
    if (request.content) return { content: request.content };
    const id = request.templateId!;
    const pinned = request.templateVersion;
    const template = pinned ? await deps.templates.version(tenantId, id, pinned) : await deps.templates.head(tenantId, id);
    if (!template || (!pinned && (template as Template).deletedAt))
      return { error: `template ${id}${pinned ? ` version ${pinned}` : ''} does not exist` };
    if (template.channel !== request.channel) return { error: `template ${id} is for ${template.channel}, not ${request.channel}` };
    return {
      content: Object.fromEntries(contentFields.flatMap((f) => (template[f] === undefined ? [] : [[f, template[f]]]))),
      version: template.version,
    };
  };

  const recordTimeline = async (tenantId: string, log: MessageLog, outgoing: Outgoing, contact: Contact) => {
    const metadata = Object.fromEntries(
      Object.entries({ messageId: log.id, purpose: log.purpose, templateId: log.templateId, journeyId: log.journeyId }).filter(
        ([, v]) => v !== undefined,
      ),
    ) as Record<string, string>;
    const [subject, body] =
      outgoing.channel === 'email' ? [outgoing.email.subject, outgoing.email.text] : [`SMS: ${outgoing.sms.body}`, outgoing.sms.body];
    try {
      await deps.timeline(
        tenantId,
        log.contactId,
        {
          type: 'message',
          channel: log.channel,
          direction: 'outbound',
          subject: subject.slice(0, 300),
          body: body?.slice(0, 20_000),
          metadata,
        },
        contact,
      );
    } catch (error) {
      // The message left; a timeline entry that cannot be written (contact deleted meanwhile) must not make it a failure.
      logger.warn('message sent but not recorded on the timeline', { messageId: log.id, error: error as Error });
    }
  };

  /** Runs the policy for a new message (no `expected`) or for a stored one in the state `expected`. */
  const attempt = async (
    tenantId: string,
    request: StoredRequest,
    log: MessageLog,
    expected?: Expected,
    known?: Contact,
  ): Promise<SendOutcome> => {
    const now = deps.clock().now();
    const stamp = now.toISOString();

    /** Another attempt with this key wrote first: answer with what it came to. */
    const lostRace = async (): Promise<SendOutcome> => {
      const stored = expected ? await deps.store.get(tenantId, log.id) : await deps.store.byDedupeKey(tenantId, log.dedupeKey);
      return stored ? firstOutcome(await settledLog(tenantId, stored)) : duplicate(log);
    };

    const skip = async (reason: SkipReason): Promise<SendOutcome> =>
      (await write(tenantId, log, expected, { status: 'skipped', reason, updatedAt: stamp }, [], [])) === 'ok'
        ? { status: 'skipped', reason, messageId: log.id }
        : lostRace();

    const fail = async (reason: string, from = expected): Promise<SendOutcome> => {
      const event = domainEvent(tenantId, 'message.failed', { ...messageRef(log), reason });
      const written = await write(tenantId, log, from, { status: 'failed', reason, updatedAt: stamp }, [], [event]);
      return written === 'conflict' ? lostRace() : { status: 'failed', reason, messageId: log.id };
    };

    const contact = known ?? (await deps.contact(tenantId, request.contactId));
    if (!contact) return skip('contact-missing');
    const settings = await deps.settings(tenantId);
    const to = addressOf(contact, request.channel);
    const suppressed = to ? await deps.suppressed(tenantId, request.channel, to) : false;
    const verdict = decide({ channel: request.channel, purpose: request.purpose, contact, suppressed, settings, now });

    if (verdict.kind === 'skip') return skip(verdict.reason);
    if (verdict.kind === 'defer') {
      const deferred = {
        status: 'deferred' as const,
        deferredUntil: verdict.until.toISOString(),
        deferrals: (log.deferrals ?? 0) + 1,
        request,
        updatedAt: stamp,
      };
      if ((await write(tenantId, log, expected, deferred, [], [])) !== 'ok') return lostRace();
      await schedule(tenantId, { id: log.id, ...deferred });
      return { status: 'deferred', messageId: log.id, until: deferred.deferredUntil };
    }

    const loaded = await loadContent(tenantId, request);
    if ('error' in loaded) return fail(loaded.error);
    let outgoing: Outgoing;
    try {
      const [company, recentOrders] = await Promise.all([
        contact.companyId ? deps.company(tenantId, contact.companyId) : undefined,
        deps.recentOrders(tenantId, contact.id),
      ]);
      outgoing = await compose({
        tenantId,
        messageId: log.id,
        channel: request.channel,
        purpose: request.purpose,
        content: loaded.content,
        variables: request.variables,
        contact,
        company,
        recentOrders,
        to: to!,
        settings,
        now,
      });
    } catch (error) {
      return fail(`the message does not render: ${(error as Error).message}`);
    }

    const subject = outgoing.channel === 'email' ? outgoing.email.subject : undefined;
    const claim = { status: 'claimed' as const, claimedAt: stamp };
    const claimed = await write(
      tenantId,
      log,
      expected,
      { ...claim, to, subject, templateVersion: loaded.version, updatedAt: stamp },
      verdict.caps,
      [],
    );
    if (claimed === 'capped') return skip('frequency-cap');
    if (claimed === 'conflict') return lostRace();

    let providerMessageId: string;
    try {
      providerMessageId = (
        outgoing.channel === 'email' ? await deps.messages().sendEmail(outgoing.email) : await deps.messages().sendSms(outgoing.sms)
      ).messageId;
    } catch (error) {
      return fail(`the provider refused the message: ${(error as Error).message}`, claim);
    }
    const sentAt = deps.clock().now().toISOString();
    const sent = domainEvent(tenantId, 'message.sent', { ...messageRef(log), templateId: log.templateId, purpose: log.purpose });
    await deps.store.move(tenantId, log, claim, { set: { status: 'sent', sentAt, providerMessageId, updatedAt: sentAt } }, [], [sent]);
    await recordTimeline(tenantId, log, outgoing, contact);
    return { status: 'sent', messageId: log.id };
  };

  /** A request whose dedupe key was seen before: answer what became of it, healing what a crash left undone. */
  const replay = async (tenantId: string, log: MessageLog, request: StoredRequest, now: Date): Promise<SendOutcome> => {
    if (log.status === 'deferred') {
      await schedule(tenantId, log); // in case the first attempt died between its write and the scheduler
      return { status: 'deferred', messageId: log.id, until: log.deferredUntil! };
    }
    const staleClaim = log.status === 'claimed' && now.getTime() - Date.parse(log.claimedAt!) > claimLeaseMs;
    if (staleClaim && log.purpose === 'transactional')
      return attempt(tenantId, request, log, { status: 'claimed', claimedAt: log.claimedAt });
    const settled = log.status === 'claimed' && !staleClaim ? await settledLog(tenantId, log) : log;
    return firstOutcome(settled);
  };

  /** A concurrent first attempt is calling the provider: wait briefly for its answer rather than guess it. */
  const settledLog = async (tenantId: string, log: MessageLog): Promise<MessageLog> => {
    let current = log;
    for (let i = 0; i < settlePolls && current.status === 'claimed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, settlePollMs));
      current = (await deps.store.get(tenantId, log.id)) ?? current;
    }
    return current;
  };

  return {
    async send({ contact: known, ...input }: SendRequest): Promise<SendOutcome> {
      const parsed = sendRequestSchema.safeParse(input);
      if (!parsed.success) return { status: 'failed', reason: `invalid send request: ${z.prettifyError(parsed.error)}` };
      const { tenantId, ...request } = parsed.data;
      const existing = await deps.store.byDedupeKey(tenantId, request.dedupeKey);
      const now = deps.clock().now();
      if (existing) return replay(tenantId, existing, request, now);
      const stamp = now.toISOString();
      const { contactId, channel, purpose, dedupeKey, templateId, journeyId, runId } = request;
      const log: MessageLog = {
        id: newId(),
        contactId,
        channel,
        purpose,
        dedupeKey,
        templateId,
        templateVersion: request.templateVersion,
        journeyId,
        runId,
        status: 'claimed',
        createdAt: stamp,
        updatedAt: stamp,
      };
      return attempt(tenantId, request, log, undefined, known?.id === contactId ? known : undefined);
    },

    /** The scheduled retry of a deferred message; a no-op once it has moved on. */
    async resume(tenantId: string, messageId: string): Promise<SendOutcome | undefined> {
      const log = await deps.store.get(tenantId, messageId);
      if (log?.status !== 'deferred' || !log.request) return undefined;
      return attempt(tenantId, log.request, log, { status: 'deferred' });
    },
  };
};
export type Sender = ReturnType<typeof createSender>;
