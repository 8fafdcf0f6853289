import type { FS, Liquid, LiquidOptions, Template } from 'liquidjs';
import type { FieldErrors } from '../../shared/errors.ts';
import { type Content, type ContentField, contentFields } from './schemas.ts';

/** Templates are data a tenant writes: they may not read files, so include, render and layout find nothing. */
const noFiles: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async (file) => {
    throw new Error(`templates cannot read files (${file})`);
  },
  readFileSync: (file) => {
    throw new Error(`templates cannot read files (${file})`);
  },
  resolve: (_root, file) => file,
};

const options: LiquidOptions = {
  strictVariables: false,
  strictFilters: true,
  ownPropertyOnly: true,
  fs: noFiles,
  relativeReference: false,
  // Bounds on what one template may cost: characters parsed, ms rendering, bytes allocated.
  parseLimit: 300_000,
  renderLimit: 2_000,
  memoryLimit: 20_000_000,
};

const refuseFiles = (engine: Liquid) => {
  for (const tag of ['include', 'render', 'layout']) {
    engine.registerTag(tag, {
      parse() {
        throw new Error(`{% ${tag} %} is not available in message templates`);
      },
      render() {},
    });
  }
  return engine;
};

type Engines = Record<'plain' | 'html', Liquid>;
let engines: Promise<Engines> | undefined;

/**
 * liquidjs loads with the first template compiled or rendered, not at cold
 * start: most requests to the functions that carry it never touch a template.
 * HTML output escapes every value (a contact named <script> stays text); `| raw` opts out.
 */
const loadEngines = () =>
  (engines ??= import('liquidjs').then(({ Liquid }) => ({
    plain: refuseFiles(new Liquid(options)),
    html: refuseFiles(new Liquid({ ...options, outputEscape: 'escape' })),
  })));
const engineFor = (all: Engines, field: ContentField) => all[field === 'html' ? 'html' : 'plain'];

const parse = (all: Engines, field: ContentField, source: string): Template[] => engineFor(all, field).parse(source);

/** Why each field of the content does not compile, keyed `<prefix>.<field>`; empty when all do. */
export const compileErrors = async (content: Content, prefix = 'body'): Promise<FieldErrors> => {
  const all = await loadEngines();
  const errors: FieldErrors = {};
  for (const field of contentFields) {
    const source = content[field];
    if (source === undefined) continue;
    try {
      parse(all, field, source);
    } catch (error) {
      errors[`${prefix}.${field}`] = [(error as Error).message];
    }
  }
  return errors;
};

/** Renders every field present; throws on a template that does not compile or exceeds its limits. */
export const renderContent = async (content: Content, variables: Record<string, unknown>): Promise<Content> => {
  const all = await loadEngines();
  const rendered: Content = {};
  for (const field of contentFields) {
    const source = content[field];
    if (source === undefined) continue;
    rendered[field] = (await engineFor(all, field).render(parse(all, field, source), variables)) as string;
  }
  return rendered;
};
