import { parsePublicId, publicId } from '../../shared/domain/public-id.ts';
import type { BehaviourEntry, FitRule, Lead, LeadView, ScoringRules, StoredScore } from './schemas.ts';

/** A public form id names its tenant (shared/domain/public-id.ts): the public submit route finds the form without a token. */
export const publicFormId = publicId;
export const parseFormId = parsePublicId;

/** The rules a tenant scores with until it saves its own. */
export const defaultScoring = (now: string): ScoringRules => ({
  fit: [],
  behaviour: { form_submitted: 10, email_clicked: 5, activity: 3 },
  halfLifeDays: 14,
  version: 0,
  updatedAt: now,
});

/** How many behaviour entries a lead keeps: the oldest, decayed to nearly nothing, go first. */
export const maxBehaviourEntries = 50;

const fieldValue = (lead: Pick<Lead, 'attributes'> & Record<string, unknown>, field: string): unknown =>
  field.startsWith('attributes.') ? lead.attributes[field.slice('attributes.'.length)] : lead[field];

const matches = (actual: unknown, rule: FitRule): boolean => {
  const { operator, value } = rule;
  if (operator === 'exists') return actual !== undefined && actual !== null && actual !== '';
  if (actual === undefined || actual === null) return false;
  const text = (v: unknown) => String(v).toLowerCase();
  switch (operator) {
    case 'equals':
      return typeof actual === 'string' ? text(actual) === text(value) : actual === value;
    case 'not_equals':
      return typeof actual === 'string' ? text(actual) !== text(value) : actual !== value;
    case 'contains':
      return text(actual).includes(text(value));
    default: {
      const a = Number(actual);
      const b = Number(value);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return operator === 'gt' ? a > b : operator === 'gte' ? a >= b : operator === 'lt' ? a < b : a <= b;
    }
  }
};

/** The fit score of a lead under `rules`, with a reason per rule that matched. */
export const fitScore = (lead: Lead, rules: FitRule[]): { fit: number; fitReasons: string[] } => {
  let fit = 0;
  const fitReasons: string[] = [];
  for (const rule of rules)
    if (matches(fieldValue(lead as Lead & Record<string, unknown>, rule.field), rule)) {
      fit += rule.points;
      const shown = rule.operator === 'exists' ? `${rule.field} exists` : `${rule.field} ${rule.operator} ${String(rule.value)}`;
      fitReasons.push(`${shown}: ${rule.points > 0 ? '+' : ''}${rule.points}`);
    }
  return { fit, fitReasons };
};

/** Points earned at `at`, halved every `halfLifeDays` until `now`. */
export const decayed = (points: number, at: string, now: Date, halfLifeDays: number): number => {
  const days = Math.max(0, now.getTime() - Date.parse(at)) / 86_400_000;
  return points * 0.5 ** (days / halfLifeDays);
};

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The score shown: fit as stored, behaviour decayed to `now`, and the reasons behind both. */
export const scoreOf = (score: StoredScore, now: Date): LeadView['score'] => {
  const entries = score.behaviour.map((b) => ({ b, now: decayed(b.points, b.at, now, score.halfLifeDays) }));
  const behaviour = round1(entries.reduce((sum, e) => sum + e.now, 0));
  return {
    fit: score.fit,
    behaviour,
    total: round1(score.fit + behaviour),
    reasons: [...score.fitReasons, ...entries.map((e) => `${e.b.kind} at ${e.b.at}: +${round1(e.now)} (of ${e.b.points})`)],
  };
};

/** The stored score after one more behaviour: kept newest last, bounded. */
export const withBehaviour = (score: StoredScore, entry: BehaviourEntry, halfLifeDays: number): StoredScore => ({
  ...score,
  halfLifeDays,
  behaviour: [...score.behaviour, entry].slice(-maxBehaviourEntries),
});

/** What a lead looks like over HTTP: its score computed for `now`. */
export const leadView = (lead: Lead, now: Date): LeadView => ({ ...lead, score: scoreOf(lead.score, now) });

/** The member whose turn `turn` is (1 for the first assignment): round-robin over the team in its order. */
export const memberFor = (members: string[], turn: number): string | undefined =>
  members.length ? members[(((turn - 1) % members.length) + members.length) % members.length] : undefined;
