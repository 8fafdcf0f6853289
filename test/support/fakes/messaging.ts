import type { LogChange, MessageRepository, RecordResult } from '../../../functions/messaging/message-store.ts';
import type {
  MessageLog,
  MessagingSettings,
  SendChannel,
  SettingsInput,
  Suppression,
  Template,
  TemplateVersion,
} from '../../../functions/messaging/schemas.ts';
import { effectiveSettings, SettingsChanged, type SettingsRepository } from '../../../functions/messaging/settings.ts';
import type { SuppressionRepository } from '../../../functions/messaging/suppression-store.ts';
import { TemplateChanged, type TemplateRepository, type TemplateUse } from '../../../functions/messaging/template-store.ts';
import type { DomainEvent } from '../../../shared/events/catalog.ts';

const applyChange = (log: MessageLog, change: LogChange): MessageLog => {
  const next: Record<string, unknown> = { ...log };
  for (const [field, value] of Object.entries(change.set ?? {})) if (value !== undefined) next[field] = value;
  for (const [field, value] of Object.entries(change.setIfMissing ?? {}))
    if (value !== undefined && next[field] === undefined) next[field] = value;
  for (const field of change.remove ?? []) delete next[field];
  return next as MessageLog;
};

/**
 * The message log in memory, for the feedback rules: `record` keeps the
 * DynamoDB transaction's all-or-nothing semantics (event guard, status
 * condition, suppressions and events together). `interfere` runs once before
 * the next record, as a concurrent writer would.
 */
export const memoryMessages = () => {
  const logs = new Map<string, MessageLog>();
  const guards = new Set<string>();
  const dedupe = new Map<string, string>();
  const suppressions: Suppression[] = [];
  const events: DomainEvent[] = [];
  let interfere: (() => void) | undefined;
  const key = (tenantId: string, id: string) => `${tenantId}|${id}`;

  const repository: MessageRepository = {
    async get(tenantId, messageId) {
      const log = logs.get(key(tenantId, messageId));
      return log && { ...log };
    },
    async byDedupeKey(tenantId, dedupeKey) {
      const id = dedupe.get(key(tenantId, dedupeKey));
      return id ? this.get(tenantId, id) : undefined;
    },
    async create(tenantId, log, _caps, written) {
      if (dedupe.has(key(tenantId, log.dedupeKey))) return 'duplicate';
      dedupe.set(key(tenantId, log.dedupeKey), log.id);
      logs.set(key(tenantId, log.id), { ...log });
      events.push(...written);
      return 'created';
    },
    async move(tenantId, log, expected, change, _caps, written) {
      const stored = logs.get(key(tenantId, log.id));
      if (!stored || stored.status !== expected.status) return 'stale';
      logs.set(key(tenantId, log.id), applyChange(stored, change));
      events.push(...written);
      return 'moved';
    },
    async record(tenantId, log, eventKey, change, listed, written): Promise<RecordResult> {
      const run = interfere;
      interfere = undefined;
      run?.();
      const guard = `${key(tenantId, log.id)}|${eventKey}`;
      if (guards.has(guard)) return 'duplicate';
      const stored = logs.get(key(tenantId, log.id));
      if (!stored || stored.status !== log.status) return 'stale';
      guards.add(guard);
      logs.set(key(tenantId, log.id), applyChange(stored, change));
      suppressions.push(...listed);
      events.push(...written);
      return 'recorded';
    },
    async listByContact(tenantId, contactId) {
      const items = [...logs.entries()]
        .filter(([k, l]) => k.startsWith(`${tenantId}|`) && l.contactId === contactId)
        .map(([, l]) => l)
        .sort((a, b) => b.id.localeCompare(a.id));
      return { items };
    },
  };
  return {
    repository,
    suppressions,
    events,
    put: (tenantId: string, log: MessageLog) => logs.set(key(tenantId, log.id), { ...log }),
    /** Changes the stored log once, right before the next record reads its condition. */
    interfere: (tenantId: string, messageId: string, set: Partial<MessageLog>) => {
      interfere = () => {
        const stored = logs.get(key(tenantId, messageId))!;
        logs.set(key(tenantId, messageId), { ...stored, ...set });
      };
    },
  };
};

/** The suppression list in memory, one entry per tenant, channel and address; events as the store writes them. */
export const memorySuppressions = () => {
  const entries = new Map<string, Suppression>();
  const removed: { tenantId: string; channel: SendChannel; address: string }[] = [];
  const key = (tenantId: string, channel: string, address: string) => `${tenantId}|${channel}#${address}`;
  const repository: SuppressionRepository = {
    async has(tenantId, channel, address) {
      return entries.has(key(tenantId, channel, address));
    },
    async get(tenantId, channel, address) {
      return entries.get(key(tenantId, channel, address));
    },
    async add(tenantId, s) {
      const existing = entries.get(key(tenantId, s.channel, s.address));
      if (existing) return { entry: existing, created: false };
      entries.set(key(tenantId, s.channel, s.address), s);
      return { entry: s, created: true };
    },
    async remove(tenantId, channel, address) {
      const had = entries.delete(key(tenantId, channel, address));
      if (had) removed.push({ tenantId, channel, address });
      return had;
    },
    async list(tenantId, channel, limit) {
      const items = [...entries.entries()]
        .filter(([k, s]) => k.startsWith(`${tenantId}|`) && (!channel || s.channel === channel))
        .map(([, s]) => s)
        .sort((a, b) => `${a.channel}#${a.address}`.localeCompare(`${b.channel}#${b.address}`))
        .slice(0, limit);
      return { items };
    },
  };
  return { repository, removed };
};

/** A tenant's messaging settings in memory, with the store's optimistic locking. */
export const memorySettings = () => {
  const stored = new Map<string, SettingsInput & { version: number; updatedAt: string }>();
  const events: DomainEvent[] = [];
  const repository: SettingsRepository = {
    async get(tenantId): Promise<MessagingSettings> {
      return effectiveSettings(stored.get(tenantId));
    },
    async replace(tenantId, input, seenVersion, updatedAt, event) {
      if ((stored.get(tenantId)?.version ?? 0) !== seenVersion) throw new SettingsChanged();
      const item = { ...input, version: seenVersion + 1, updatedAt };
      stored.set(tenantId, item);
      events.push(event);
      return effectiveSettings(item);
    },
  };
  return { repository, events };
};

/** Templates in memory, with the store's conditions (version, delete mark) and the events it writes; `uses` stands for journeys' references. */
export const memoryTemplates = () => {
  const heads = new Map<string, Template & { deleting?: string }>();
  const versions = new Map<string, TemplateVersion>();
  const uses = new Map<string, TemplateUse[]>();
  const events: DomainEvent[] = [];
  const key = (tenantId: string, id: string) => `${tenantId}|${id}`;
  const live = (tenantId: string, id: string) => {
    const head = heads.get(key(tenantId, id));
    if (!head || head.deletedAt) throw new TemplateChanged();
    return head;
  };
  const repository: TemplateRepository = {
    async head(tenantId, id) {
      const head = heads.get(key(tenantId, id));
      if (!head) return undefined;
      const { deleting: _, ...rest } = head;
      return rest;
    },
    async version(tenantId, id, version) {
      return versions.get(`${key(tenantId, id)}|${version}`);
    },
    async create(tenantId, t, event) {
      if (heads.has(key(tenantId, t.id))) throw new TemplateChanged();
      heads.set(key(tenantId, t.id), t);
      versions.set(`${key(tenantId, t.id)}|${t.version}`, t);
      events.push(event);
    },
    async update(tenantId, before, after, event) {
      if (live(tenantId, before.id).version !== before.version) throw new TemplateChanged();
      heads.set(key(tenantId, after.id), after);
      versions.set(`${key(tenantId, after.id)}|${after.version}`, after);
      events.push(event);
    },
    async usedBy(tenantId, id) {
      return uses.get(key(tenantId, id)) ?? [];
    },
    async claimDelete(tenantId, t, at) {
      const head = live(tenantId, t.id);
      if (head.version !== t.version) throw new TemplateChanged();
      heads.set(key(tenantId, t.id), { ...head, deleting: at });
    },
    async releaseDelete(tenantId, t, at) {
      const head = heads.get(key(tenantId, t.id));
      if (head?.deleting === at) {
        const { deleting: _, ...rest } = head;
        heads.set(key(tenantId, t.id), rest);
      }
    },
    async delete(tenantId, t, at, event) {
      const head = live(tenantId, t.id);
      if (head.version !== t.version || head.deleting !== at) throw new TemplateChanged();
      const { deleting: _, ...rest } = head;
      heads.set(key(tenantId, t.id), { ...rest, deletedAt: at, updatedAt: at });
      events.push(event);
    },
    async list(tenantId, limit) {
      const items = [...heads.entries()]
        .filter(([k, t]) => k.startsWith(`${tenantId}|`) && !t.deletedAt)
        .map(([, t]) => t)
        .slice(0, limit);
      return { items };
    },
  };
  return {
    repository,
    events,
    isMarked: (tenantId: string, id: string) => heads.get(key(tenantId, id))?.deleting !== undefined,
    use: (tenantId: string, id: string, journey: TemplateUse) =>
      uses.set(key(tenantId, id), [...(uses.get(key(tenantId, id)) ?? []), journey]),
  };
};
