import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import type { openApiDocument } from '../../functions/platform/openapi.ts';

type Document = ReturnType<typeof openApiDocument>;

/** One request the API answered, as a client saw it. */
export interface Exchange {
  method: string;
  /** The path as sent, query string included. */
  url: string;
  status: number;
  contentType: string;
  /** Names of the response headers, lower-case. */
  headers: string[];
  body: unknown;
}

export interface ContractReport {
  operations: number;
  /** Operations that answered at least once. */
  exercised: number;
  /** Answers to a route of the document (others, like the local runtime's /dev pages, are not in the contract). */
  validated: number;
  /** Declared status, wrong media type or body: "GET /contacts/{id} 200: /email must match format". */
  mismatches: string[];
  /** Statuses a route answered that the document does not declare for it. */
  undeclared: string[];
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Route templates most specific first, as API Gateway picks them: a literal segment beats a parameter. */
const templatesOf = (doc: Document) =>
  Object.keys(doc.paths ?? {})
    .map((template) => ({ template, segments: template.split('/').map((s) => (s.startsWith('{') ? undefined : s)) }))
    .sort((a, b) =>
      a.segments
        .map((s) => (s === undefined ? 1 : 0))
        .join('')
        .localeCompare(b.segments.map((s) => (s === undefined ? 1 : 0)).join('')),
    );

/** Checks what clients received against the document: status declared, media type declared, body valid for its schema. */
export const checkContract = (doc: Document, exchanges: readonly Exchange[]): ContractReport => {
  const ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
  // ajv-formats is CommonJS: its plugin is the module's default export.
  formats.default(ajv);
  ajv.addSchema(doc as object, 'openapi.json');
  const templates = templatesOf(doc);
  const report: ContractReport = { operations: 0, exercised: 0, validated: 0, mismatches: [], undeclared: [] };
  const seen = new Set<string>();
  for (const item of Object.values(doc.paths ?? {}))
    report.operations += ['get', 'put', 'post', 'patch', 'delete'].filter((m) => m in (item as object)).length;
  for (const x of exchanges) {
    const path = x.url
      .replace(/[?#].*/, '')
      .split('/')
      .map((s) => decodeURIComponent(s));
    const method = x.method.toLowerCase();
    const match = templates.find(
      ({ template, segments }) =>
        segments.length === path.length &&
        segments.every((s, i) => (s === undefined ? path[i] !== '' : s === path[i])) &&
        (doc.paths?.[template] as Record<string, unknown> | undefined)?.[method],
    );
    if (!match) continue;
    report.validated++;
    seen.add(`${method} ${match.template}`);
    report.exercised = seen.size;
    const where = `${x.method} ${match.template} ${x.status}`;
    const responses = (
      doc.paths?.[match.template] as
        | Record<string, { responses: Record<string, { headers?: object; content?: Record<string, unknown> }> }>
        | undefined
    )?.[method]?.responses;
    if (!responses) continue;
    const declared = responses[String(x.status)];
    if (!declared) {
      report.undeclared.push(where);
      continue;
    }
    // Idempotent-Replayed is declared on every answer of the route but sent on replays only.
    const missing = Object.keys(declared.headers ?? {}).filter((h) => h !== 'Idempotent-Replayed' && !x.headers.includes(h.toLowerCase()));
    if (missing.length) report.mismatches.push(`${where}: no ${missing.join(', ')} header`);
    const mediaType = x.contentType.split(';')[0]!.trim().toLowerCase();
    if (!declared.content) {
      if (x.body !== undefined && x.body !== '') report.mismatches.push(`${where}: a body where none is declared`);
      continue;
    }
    if (!declared.content[mediaType]) {
      report.mismatches.push(`${where}: ${mediaType || 'no content-type'} is not one of ${Object.keys(declared.content).join(', ')}`);
      continue;
    }
    if (!/json$/.test(mediaType)) continue;
    const pointer = ['paths', match.template, method, 'responses', String(x.status), 'content', mediaType, 'schema']
      .map(escapePointer)
      .join('/');
    const validate = ajv.getSchema(`openapi.json#/${pointer}`)!;
    if (!validate(x.body)) report.mismatches.push(`${where}: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
  }
  return report;
};
