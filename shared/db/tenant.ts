/** The prefix every key starts with: the tenant from the verified token, so no request can reach another tenant's items. */
export const tenantKey = (tenantId: string) => `T#${tenantId}`;
