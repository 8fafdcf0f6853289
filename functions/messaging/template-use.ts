import { tableNameFromEnv } from '../../shared/db/table.ts';
import type { TransactItem } from '../../shared/db/transact.ts';
import { clock } from '../../shared/ports/clock.ts';
import { messagingEntities, messagingKeys } from './items.ts';

/** How long a delete's `deleting` mark holds off journeys; a delete that crashed between its steps frees the template after it. */
export const deleteClaimMs = 60_000;

export const templateUseItem = (
  tenantId: string,
  templateId: string,
  journey: { id: string; name: string; status: string },
): Record<string, unknown> => ({
  ...messagingKeys.templateUse(tenantId, templateId, journey.id),
  entity: messagingEntities.templateUse,
  templateId,
  journeyId: journey.id,
  journeyName: journey.name,
  status: journey.status,
});

/** The template is still there and not being deleted: a delete that ran (or began) since the journey was validated fails the save. */
export const templateLiveCondition = (tenantId: string, templateId: string): TransactItem => ({
  ConditionCheck: {
    TableName: tableNameFromEnv(),
    Key: messagingKeys.template(tenantId, templateId),
    ConditionExpression:
      'attribute_exists(PK) AND attribute_not_exists(deletedAt) AND (attribute_not_exists(deleting) OR deleting < :stale)',
    ExpressionAttributeValues: { ':stale': new Date(clock().now().getTime() - deleteClaimMs).toISOString() },
  },
});
