/** Domain failures a service may raise; shared/http/problem.ts maps them to problem+json. */
export type FieldErrors = Record<string, string[]>;

export class DomainError extends Error {
  constructor(
    readonly kind: 'not-found' | 'conflict' | 'precondition-failed' | 'validation' | 'forbidden' | 'unprocessable',
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new DomainError('not-found', `${what} not found`);
export const conflict = (message: string, extra: Record<string, unknown> = {}) => new DomainError('conflict', message, extra);
export const preconditionFailed = (message = 'the resource changed since you read it; fetch it again and retry with its current ETag') =>
  new DomainError('precondition-failed', message);
export const invalid = (message: string, errors: FieldErrors) => new DomainError('validation', message, { errors });
export const unprocessable = (message: string, extra: Record<string, unknown> = {}) => new DomainError('unprocessable', message, extra);
