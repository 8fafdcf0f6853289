import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * cdk-nag's AwsSolutions pack as a CDK validation plugin: synth fails on any
 * finding of error level that no construct acknowledged (Validations.of(x).acknowledge
 * with a reason, next to the resource it concerns).
 */
export const addNagChecks = (app: App) => Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
