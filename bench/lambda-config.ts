import { App, Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { type AwsSdkSource, awsSdkSource, lambdaBundling } from '../infra/aws/bundling.ts';
import { ContextFunction } from '../infra/aws/context-function.ts';

export { type AwsSdkSource, awsSdkSource };

/**
 * The esbuild options NodejsFunction derives from the stack's bundling options
 * (aws-cdk-lib's lib/bundling.js: it always passes --bundle and
 * --platform=node). A bundling option this does not translate stops the bench
 * rather than measuring something CDK would not build.
 */
export const esbuildOptionsFor = (source: AwsSdkSource): BuildOptions => {
  const b: BundlingOptions = lambdaBundling(source);
  const translated = new Set([
    'format',
    'target',
    'mainFields',
    'banner',
    'footer',
    'minify',
    'sourceMap',
    'sourceMapMode',
    'sourcesContent',
    'externalModules',
    'define',
    'loader',
    'keepNames',
    'charset',
    'inject',
    'esbuildArgs',
  ]);
  // These change how or where CDK runs the bundling, not what esbuild writes.
  const irrelevant = new Set([
    'forceDockerBundling',
    'dockerImage',
    'environment',
    'buildArgs',
    'logLevel',
    'metafile',
    'bundlingFileAccess',
    'network',
    'securityOpt',
    'user',
    'volumes',
    'workingDirectory',
    'esbuildVersion',
  ]);
  const unknown = Object.keys(b).filter((k) => !translated.has(k) && !irrelevant.has(k));
  if (unknown.length)
    throw new Error(`bench/lambda-config.ts does not translate the bundling options ${unknown.join(', ')} from infra/aws/bundling.ts yet`);
  if (b.esbuildArgs && Object.keys(b.esbuildArgs).length)
    throw new Error('bench/lambda-config.ts does not translate bundling.esbuildArgs yet');
  const sourcemap = !b.sourceMap
    ? false
    : b.sourceMapMode === SourceMapMode.INLINE
      ? 'inline'
      : b.sourceMapMode === SourceMapMode.EXTERNAL
        ? 'external'
        : b.sourceMapMode === SourceMapMode.BOTH
          ? 'both'
          : 'linked';
  return {
    bundle: true,
    platform: 'node',
    format: b.format === OutputFormat.ESM ? 'esm' : 'cjs',
    ...(b.target ? { target: b.target } : {}),
    ...(b.mainFields ? { mainFields: b.mainFields } : {}),
    ...(b.banner ? { banner: { js: b.banner } } : {}),
    ...(b.footer ? { footer: { js: b.footer } } : {}),
    minify: b.minify ?? false,
    sourcemap,
    sourcesContent: b.sourcesContent ?? true,
    external: b.externalModules ?? ['@aws-sdk/*'],
    ...(b.define ? { define: b.define } : {}),
    ...(b.loader ? { loader: b.loader as BuildOptions['loader'] } : {}),
    ...(b.keepNames ? { keepNames: true } : {}),
    ...(b.charset ? { charset: b.charset as BuildOptions['charset'] } : {}),
    ...(b.inject ? { inject: b.inject } : {}),
    logLevel: 'silent',
  };
};

export interface FunctionSettings {
  memoryMb: number;
  /** NODE_OPTIONS the functions run with (e.g. --enable-source-maps), '' for none. */
  nodeOptions: string;
}

/**
 * Memory and NODE_OPTIONS as the stack configures a function: builds one
 * ContextFunction in a throw-away app (asset bundling skipped) and reads its
 * CloudFormation properties.
 */
export const functionSettings = (): FunctionSettings => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'BenchProbe');
  const { function: fn } = new ContextFunction(stack, 'Probe', {
    context: 'contacts',
    entry: 'handler',
    description: 'bench probe',
    settings: { stage: 'bench' },
    environment: {},
  });
  const cfn = fn.node.defaultChild as CfnFunction;
  const environment = stack.resolve(cfn.environment) as { variables?: Record<string, string> } | undefined;
  return { memoryMb: stack.resolve(cfn.memorySize) as number, nodeOptions: environment?.variables?.NODE_OPTIONS ?? '' };
};
