import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { httpContexts } from '../functions/routes.ts';
import { subscriptions } from '../functions/subscriptions.ts';
import { type AwsSdkSource, awsSdkSource, esbuildOptionsFor } from './lambda-config.ts';
import { median, num, type Section, table } from './report.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
/** Inside the project, so an external SDK resolves from node_modules as Lambda's runtime would provide it. */
const outDir = join(root, 'bench', '.out');

export const baselineName = 'baseline';

interface Entry {
  name: string;
  file: string;
}

/** Every Lambda function the stack deploys (http-<context>, relay, subscriber-<context>), after the baseline. */
const entries = (): Entry[] => [
  { name: baselineName, file: 'bench/baseline-handler.ts' },
  ...httpContexts.map((context) => ({ name: `http-${context}`, file: `functions/${context}/handler.ts` })),
  { name: 'relay', file: 'functions/relay/handler.ts' },
  ...[...new Set(subscriptions.map((s) => s.context))].map((context) => ({
    name: `subscriber-${context}`,
    file: `functions/${context}/subscriber.ts`,
  })),
];

export interface BundleFigure {
  name: string;
  file: string;
  source: AwsSdkSource;
  bytes: number;
  gzipBytes: number;
  importMs: number;
  importMinMs: number;
  /** The packages (or the project's own code) with the most bytes in the bundle. */
  largest: { name: string; bytes: number }[];
}

const sources: AwsSdkSource[] = ['bundle', 'runtime'];
const sourceLabel = (source: AwsSdkSource) => (source === 'bundle' ? 'bundled' : 'runtime (external)');

const bundle = async (entry: Entry, source: AwsSdkSource) => {
  const outfile = join(outDir, source, entry.name, 'index.mjs');
  mkdirSync(dirname(outfile), { recursive: true });
  const { metafile } = await build({ ...esbuildOptionsFor(source), entryPoints: [join(root, entry.file)], outfile, metafile: true });
  const code = readFileSync(outfile);
  return {
    outfile,
    bytes: statSync(outfile).size,
    gzipBytes: gzipSync(code).length,
    largest: largestPackages(metafile.outputs[relative(root, outfile)]?.inputs ?? {}),
  };
};

/** Bytes in the output per package (scoped packages by scope: all of @aws-sdk/* counts as one). */
const largestPackages = (inputs: Record<string, { bytesInOutput: number }>, top = 3) => {
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const match = /node_modules\/((?:@[^/]+)|[^/]+)/.exec(path.slice(path.lastIndexOf('node_modules/')));
    const name = match ? (match[1]!.startsWith('@') ? `${match[1]}/*` : match[1]!) : 'project code';
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
};

/** Runs in a fresh node: the time of the dynamic import of the bundle, measured inside the process. */
const probe = `
const t0 = performance.now();
const m = await import(process.argv[1]);
const ms = performance.now() - t0;
if (typeof m.handler !== 'function') throw new Error('the bundle exports no handler');
process.stdout.write(JSON.stringify({ ms }));
`;

const importOnce = (outfile: string, nodeOptions: string): Promise<number> =>
  new Promise((resolve, reject) => {
    // A Lambda-like environment: the function's NODE_OPTIONS, a region, a table and bus name, nothing from the bench.
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_OPTIONS: nodeOptions,
      AWS_REGION: 'us-east-1',
      TABLE_NAME: 'rapport',
      EVENT_BUS_NAME: 'rapport',
    };
    const child = spawn(process.execPath, ['--input-type=module', '-e', probe, pathToFileURL(outfile).href], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`importing ${relative(root, outfile)} failed (exit ${code}):\n${err}`));
      resolve((JSON.parse(out) as { ms: number }).ms);
    });
  });

/**
 * Builds every function with the SDK bundled and with it external, plus the
 * baseline, and times the import of each bundle in `runs` fresh node
 * processes. Runs go round-robin over the bundles so drift in the machine's
 * load spreads evenly. `pick` narrows it to some functions (keep the baseline
 * in, the ratios need it), e.g. to re-measure the one a change touched.
 */
export const measureBundles = async (
  runs: number,
  nodeOptions: string,
  pick: (name: string, source: AwsSdkSource) => boolean = () => true,
): Promise<BundleFigure[]> => {
  rmSync(outDir, { recursive: true, force: true });
  try {
    const built = [];
    for (const source of sources) {
      for (const entry of entries()) if (pick(entry.name, source)) built.push({ ...entry, source, ...(await bundle(entry, source)) });
    }
    const times = built.map(() => [] as number[]);
    for (const b of built) await importOnce(b.outfile, nodeOptions); // warm the page cache; not counted
    for (let run = 0; run < runs; run++) {
      for (const [i, b] of built.entries()) times[i]!.push(await importOnce(b.outfile, nodeOptions));
    }
    return built.map((b, i) => ({
      name: b.name,
      file: b.file,
      source: b.source,
      bytes: b.bytes,
      gzipBytes: b.gzipBytes,
      importMs: median(times[i]!),
      importMinMs: Math.min(...times[i]!),
      largest: b.largest,
    }));
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
};

const kib = (bytes: number) => num(bytes / 1024, 1);

/** What the numbers say about where the SDK should come from, from the functions' median import times. */
const recommendation = (figures: BundleFigure[]) => {
  const functions = (source: AwsSdkSource) => figures.filter((f) => f.name !== baselineName && f.source === source);
  const average = (source: AwsSdkSource, of: (f: BundleFigure) => number) =>
    functions(source).reduce((sum, f) => sum + of(f), 0) / functions(source).length;
  const [bundled, runtime] = [average('bundle', (f) => f.importMs), average('runtime', (f) => f.importMs)];
  const change = (runtime - bundled) / runtime;
  const sizes = `a gzip size of ${kib(average('bundle', (f) => f.gzipBytes))} KiB bundled vs ${kib(average('runtime', (f) => f.gzipBytes))} KiB external per function`;
  const current = `infra/aws/bundling.ts has \`awsSdkSource = '${awsSdkSource}'\``;
  if (Math.abs(change) < 0.1) {
    return `Import time is about the same either way (${num(bundled, 1)} ms bundled vs ${num(runtime, 1)} ms external on average, ${sizes}). The numbers do not decide it; bundling pins the SDK version the tests ran against. (${current}.)`;
  }
  const verdict = change > 0 ? 'bundle' : 'runtime';
  const agrees = verdict === awsSdkSource ? `${current}, which agrees` : `${current}: the numbers say change it`;
  return change > 0
    ? `**Bundle the SDK** (\`awsSdkSource = 'bundle'\`): importing a function takes ${num(bundled, 1)} ms bundled vs ${num(runtime, 1)} ms with the SDK loaded from node_modules on average (${num(change * 100)}% less), at ${sizes}. It also pins the SDK version the tests ran against. ${agrees}.`
    : `**Use the runtime's SDK** (\`awsSdkSource = 'runtime'\`): importing a function takes ${num(runtime, 1)} ms external vs ${num(bundled, 1)} ms bundled on average (${num(-change * 100)}% less), at ${sizes}. ${agrees}.`;
};

export const bundleSection = (figures: BundleFigure[], runs: number, nodeOptions: string): Section => {
  const baseline = (source: AwsSdkSource) => figures.find((f) => f.name === baselineName && f.source === source)!;
  const rows = figures.map((f) => {
    const base = baseline(f.source);
    const ratio = f.importMs / base.importMs;
    return [
      f.name === baselineName ? 'baseline (document client only)' : f.name,
      sourceLabel(f.source),
      kib(f.bytes),
      kib(f.gzipBytes),
      num(f.importMs, 1),
      num(f.importMinMs, 1),
      `${num(ratio, 2)}×`,
      // The external baseline is a few hundred bytes of our own code: a size ratio to it means nothing.
      f.source === 'bundle' ? `${num(f.gzipBytes / base.gzipBytes, 2)}×` : '–',
      f.name === baselineName ? '' : ratio <= 1.5 ? 'yes' : 'no',
      f.largest.map((p) => `${p.name} ${kib(p.bytes)}`).join(', '),
    ];
  });
  const external = esbuildOptionsFor('runtime').external ?? [];
  return {
    title: 'Bundle size and import time per function',
    body: `${table(['function', 'AWS SDK', 'size KiB', 'gzip KiB', 'import ms (median)', 'import ms (min)', 'import × baseline', 'gzip × baseline', 'within 1.5× (import)', 'largest parts (KiB)'], rows, [2, 3, 4, 5, 6, 7])}

${recommendation(figures)}

- Bundled with esbuild using the stack's own options (\`lambdaBundling(source)\` from infra/aws/bundling.ts, translated as NodejsFunction does; source maps written but not counted). "runtime (external)" leaves ${external.join(', ')} out; here it resolves from node_modules (the versions in package-lock), on Lambda from the runtime's own copy, whose version and load time may differ.
- Import time: median of ${runs} fresh \`node ${process.version}\` processes with NODE_OPTIONS=\`${nodeOptions || '(none)'}\` as the stack sets it, each timing \`await import(bundle)\` with performance.now() inside the process (one untimed warm-up import per bundle first). Ratios compare the medians with the baseline of the same SDK source. Other work on the machine moves the medians; the minimum shows the floor.
- Largest parts: bytes each package (scopes such as @aws-sdk/* counted together) contributes to the minified bundle, from esbuild's metafile.`,
  };
};
