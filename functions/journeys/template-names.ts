/** The built-in journey templates a tenant can install (functions/journeys/templates.ts defines them). */
export const templateNames = ['welcome', 'follow-up', 'win-back', 'survey'] as const;
export type TemplateName = (typeof templateNames)[number];
