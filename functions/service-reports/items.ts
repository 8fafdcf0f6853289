import { tenantKey } from '../../shared/db/tenant.ts';

/** Entity names this context stores (the `entity` attribute). */
export const serviceReportEntities = {
  ticketState: 'SERVICE_REPORT_TICKET',
  applied: 'SERVICE_REPORT_APPLIED_EVENT',
  counter: 'SERVICE_REPORT_COUNTER',
  team: 'SERVICE_REPORT_TEAM',
} as const;

/** How long an applied-event marker is kept: far beyond EventBridge's retry window (24 h). */
export const appliedMarkerDays = 14;

/** The partition of no team: tickets with no team yet count there (and in the tenant's totals). */
export const noTeam = '-';

/**
 * Counter items per scope and period are split in this many shards (by ticket), so concurrent transactions of
 * different tickets seldom update the same item (a transaction conflicts with any other in flight on one of its
 * items); a read sums the shards.
 */
export const counterShards = 4;

/** A counter item's period: a UTC day (2026-12-02), month (2026-12) or year (2026). */
export type CounterLevel = 'D' | 'M' | 'Y';

export const serviceReportKeys = {
  /** A ticket as the counters last saw it: GetItem (consistent) before each of its events is applied. */
  ticketState: (tenantId: string, ticketId: string) => ({ PK: `${tenantKey(tenantId)}#SRK#${ticketId}`, SK: 'S' }),
  /** An event applied to the counters, written in the same transaction: a redelivery fails on it. */
  applied: (tenantId: string, eventId: string) => ({ PK: `${tenantKey(tenantId)}#SRE#${eventId}`, SK: 'E' }),
  /**
   * The counters of one scope: `*` (the tenant's totals) or one team (`-` = no team). Day items D#yyyy-mm-dd hold
   * the day's counts and backlog changes, month M#yyyy-mm and year Y#yyyy items the backlog changes only, so the
   * backlog before a day is a sum of at most a year list, eleven months and thirty days: Query by SK range.
   * Each period has up to `counterShards` items (#0…#3 after the period).
   */
  counterPartition: (tenantId: string, scope: string) => `${tenantKey(tenantId)}#SR#${scope === '*' ? 'ALL' : `TM#${scope}`}`,
  counter: (tenantId: string, scope: string, level: CounterLevel, period: string, shard: number) => ({
    PK: serviceReportKeys.counterPartition(tenantId, scope),
    SK: `${level}#${period}#${shard}`,
  }),
  /** The SK range of a level's periods from `first` to `last`, every shard included. */
  counterRange: (level: CounterLevel, first: string, last: string) => [`${level}#${first}#`, `${level}#${last}#~`] as const,
  /** The teams that ever had a ticket counted: one Query lists the partitions of a per-team report. */
  teamsPartition: (tenantId: string) => `${tenantKey(tenantId)}#SRTEAMS`,
  team: (tenantId: string, teamId: string) => ({ PK: serviceReportKeys.teamsPartition(tenantId), SK: teamId }),
} as const;
