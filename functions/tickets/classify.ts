import { matchesPattern } from '../../shared/events/pattern.ts';
import type { TicketChannel, TicketPriority, TicketRule } from './schemas.ts';

/** What a rule's `when` pattern is evaluated against. */
export interface RuleDocument {
  ticket: {
    subject: string;
    body: string;
    /** Subject and body together, NFKC-folded and lower-cased: where keyword rules look. */
    text: string;
    channel: TicketChannel;
    tags: string[];
  };
  contact: {
    lifecycleStage?: string;
    tags: string[];
    attributes: Record<string, unknown>;
    /** The contact's `tier` attribute (gold, silver…), when it has one. */
    tier?: unknown;
  };
}

export interface ContactFacts {
  lifecycleStage?: string;
  tags?: string[];
  attributes?: Record<string, unknown>;
}

export const ruleDocument = (
  ticket: { subject: string; body: string; channel: TicketChannel; tags: string[] },
  contact: ContactFacts,
): RuleDocument => ({
  ticket: { ...ticket, text: `${ticket.subject}\n${ticket.body}`.normalize('NFKC').toLowerCase() },
  contact: {
    lifecycleStage: contact.lifecycleStage,
    tags: contact.tags ?? [],
    attributes: contact.attributes ?? {},
    tier: contact.attributes?.tier,
  },
});

const rank: Record<TicketPriority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };
export const higherPriority = (a: TicketPriority, b: TicketPriority | undefined) => (b && rank[b] > rank[a] ? b : a);

export interface Classification {
  category?: string;
  priority?: TicketPriority;
  teamId?: string;
  tags: string[];
  /** Names of the rules that matched, in order. */
  matched: string[];
}

/**
 * Runs the rules in order over the document: each matching rule sets the
 * category and team (a later match overrides an earlier one), raises the
 * priority to at least its own, and adds its tags; a matching rule with
 * `stop` ends the run.
 */
export const classify = (rules: readonly TicketRule[], doc: RuleDocument): Classification => {
  const out: Classification = { tags: [], matched: [] };
  for (const rule of rules) {
    if (!matchesPattern(rule.when, doc)) continue;
    out.matched.push(rule.name);
    if (rule.then.category) out.category = rule.then.category;
    if (rule.then.teamId) out.teamId = rule.then.teamId;
    if (rule.then.priority) out.priority = out.priority ? higherPriority(out.priority, rule.then.priority) : rule.then.priority;
    for (const tag of rule.then.tags ?? []) if (!out.tags.includes(tag)) out.tags.push(tag);
    if (rule.stop) break;
  }
  return out;
};

/** Words that mark a complaint, matched in the folded subject and body. */
export const complaintKeywords = ['complaint', 'complain', 'refund', 'unacceptable', 'disappointed', '投诉', '退款', '不满'];

/** A new tenant's rules: complaints are recognised and raised to at least high priority. */
export const defaultRules: TicketRule[] = [
  {
    name: 'Complaints',
    when: { ticket: { text: complaintKeywords.map((k) => ({ wildcard: `*${k}*` })) } },
    // biome-ignore lint/suspicious/noThenProperty: a rule's action is named `then` in the rules format (an object, never a function)
    then: { category: 'complaint', priority: 'high', tags: ['complaint'] },
  },
];
