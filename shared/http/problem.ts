import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ZodError } from 'zod';
import { DomainError, type FieldErrors } from '../errors.ts';

/** An RFC 9457 problem, thrown anywhere in the HTTP pipeline and rendered by problemResponses(). */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

const slug = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export const problemResponse = (p: Problem, instance?: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode: p.status,
  headers: { 'content-type': 'application/problem+json' },
  body: JSON.stringify({
    type: `https://rapport.dev/problems/${slug(p.title)}`,
    title: p.title,
    status: p.status,
    detail: p.detail,
    instance,
    ...p.extra,
  }),
});

export const fieldErrors = (error: ZodError, root: string): FieldErrors => {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const path = [root, ...issue.path.map(String)].join('.');
    (errors[path] ??= []).push(issue.message);
  }
  return errors;
};

export const validationProblem = (errors: FieldErrors, detail = 'the request has invalid fields') =>
  new Problem(400, 'Validation failed', detail, { errors });

const domainStatus: Record<DomainError['kind'], [number, string]> = {
  'not-found': [404, 'Not found'],
  conflict: [409, 'Conflict'],
  'precondition-failed': [412, 'Precondition failed'],
  validation: [400, 'Validation failed'],
  forbidden: [403, 'Forbidden'],
  unprocessable: [422, 'Unprocessable request'],
};

export const toProblem = (error: unknown): Problem | undefined => {
  if (error instanceof Problem) return error;
  if (error instanceof DomainError) {
    const [status, title] = domainStatus[error.kind];
    return new Problem(status, title, error.message, error.extra);
  }
  return undefined;
};
