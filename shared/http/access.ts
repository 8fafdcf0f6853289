import type { Role } from './route.ts';

/** Role sets routes reuse; a route may also list its own. */
export const everyone: readonly Role[] = ['admin', 'sales', 'support', 'marketing', 'analyst'];
export const customerDataWriters: readonly Role[] = ['admin', 'sales', 'support', 'marketing'];
export const customerDataAdmins: readonly Role[] = ['admin', 'sales'];
export const publicRoute: readonly Role[] = [];
