/**
 * A public id that names its tenant: base64url(tenantId) + '.' + a ULID. A
 * public route (a web form, an integration's webhook) has no token, so the
 * tenant comes from the id; the thing must then exist in that tenant's
 * partition, and a ULID's 80 random bits make another tenant's unguessable.
 * No global, tenant-free item is needed.
 */
export const publicId = (tenantId: string, localId: string) => `${Buffer.from(tenantId, 'utf8').toString('base64url')}.${localId}`;

export const parsePublicId = (value: string): { tenantId: string; localId: string } | undefined => {
  const [tenant, localId] = value.split('.');
  if (!tenant || !localId) return undefined;
  const tenantId = Buffer.from(tenant, 'base64url').toString('utf8');
  return tenantId && publicId(tenantId, localId) === value ? { tenantId, localId } : undefined;
};
