import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { nameTerms } from '../../shared/domain/normalize.ts';
import { contactKeys } from './items.ts';
import type { Contact } from './schemas.ts';

/** Where a contact listing reads: the whole list, a company, an owner, a stage, the update feed, a name prefix or a tag. */
export type ContactSource = { order?: 'asc' | 'desc' } & (
  | { kind: 'all' }
  | { kind: 'company'; companyId: string }
  | { kind: 'owner'; ownerId: string }
  | { kind: 'stage'; stage: string }
  | { kind: 'updated'; since?: string }
  | { kind: 'name'; prefix: string }
  | { kind: 'tag'; tag: string }
);
type SourceOf<K extends ContactSource['kind']> = Extract<ContactSource, { kind: K }>;

/** The query of a source; `entries` is set when it reads index entries naming a contact, and says which entry stands for it. */
type SourceQuery = {
  query: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>;
  partition: string;
  entries?: (entry: Record<string, unknown>, c: Contact) => boolean;
};

const onIndex = (IndexName: 'GSI1' | 'GSI2' | 'GSI3', partition: string, entries?: SourceQuery['entries']): SourceQuery => ({
  query: { IndexName, KeyConditionExpression: `${IndexName}PK = :pk`, ExpressionAttributeValues: { ':pk': partition } },
  partition,
  entries,
});

const anyEntry = () => true;
const termOf = (entry: Record<string, unknown>) => (entry.SK as string).slice(2, -((entry.contactId as string).length + 1));

const searchSource = (partition: string, prefix: string, entries: SourceQuery['entries']): SourceQuery => ({
  query: {
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
  },
  partition: `${partition}|${prefix}`,
  entries,
});

export const contactSources: { [K in ContactSource['kind']]: (tenantId: string, s: SourceOf<K>) => SourceQuery } = {
  all: (tenantId) => onIndex('GSI1', contactKeys.listPartition(tenantId)),
  company: (tenantId, s) => onIndex('GSI2', contactKeys.companyMemberPartition(tenantId, s.companyId)),
  owner: (tenantId, s) => onIndex('GSI1', contactKeys.byOwnerPartition(tenantId, s.ownerId), anyEntry),
  stage: (tenantId, s) => onIndex('GSI2', contactKeys.byStagePartition(tenantId, s.stage), anyEntry),
  updated: (tenantId, s) => {
    const source = onIndex('GSI3', contactKeys.updatePartition(tenantId), anyEntry);
    if (!s.since) return source;
    return {
      ...source,
      query: {
        ...source.query,
        KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK >= :since',
        ExpressionAttributeValues: { ':pk': source.partition, ':since': s.since },
      },
    };
  },
  // A contact has an entry per name term, and several may start with the prefix: only the
  // first of them (in a fixed order) stands for the contact, so a walk gives each contact once.
  // An entry the contact no longer has (renamed meanwhile) stands for nothing.
  name: (tenantId, s) =>
    searchSource(contactKeys.searchPartition(tenantId), `N#${s.prefix}`, (entry, c) => {
      const matching = nameTerms(c.firstName, c.lastName)
        .filter((t) => t.startsWith(s.prefix))
        .sort();
      return matching[0] === termOf(entry);
    }),
  tag: (tenantId, s) => searchSource(contactKeys.searchPartition(tenantId), `G#${s.tag}#`, (_entry, c) => c.tags.includes(s.tag)),
};
