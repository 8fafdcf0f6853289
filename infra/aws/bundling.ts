import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * Where the Lambda functions get the AWS SDK v3 from:
 * - 'bundle': esbuild inlines the project's pinned @aws-sdk/* (the versions the
 *   tests ran against), tree-shaken and minified with the rest of the code;
 * - 'runtime': @aws-sdk/* stays external and resolves to the copy the Node.js
 *   runtime ships, whose version AWS chooses and changes.
 * This is the one switch; bench/ reads it and can build both variants with
 * `lambdaBundling(source)` to measure bundle size and import time.
 */
export type AwsSdkSource = 'bundle' | 'runtime';
export const awsSdkSource: AwsSdkSource = 'bundle';

export const externalModulesFor = (source: AwsSdkSource): string[] => (source === 'runtime' ? ['@aws-sdk/*'] : []);

/** esbuild's node target, kept in step with the Lambda runtime (Runtime.NODEJS_22_X). */
export const nodeTarget = 'node22';

/**
 * ESM output needs a `require` for the CommonJS dependencies esbuild inlines
 * (they call require('node:…') at run time); createRequire supplies it.
 */
const requireShim =
  "import { createRequire as __rapportCreateRequire } from 'node:module'; const require = __rapportCreateRequire(import.meta.url);";

export const lambdaBundling = (source: AwsSdkSource = awsSdkSource): BundlingOptions => ({
  format: OutputFormat.ESM,
  target: nodeTarget,
  mainFields: ['module', 'main'],
  banner: requireShim,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  externalModules: externalModulesFor(source),
  forceDockerBundling: false,
});
