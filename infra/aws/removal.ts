import { RemovalPolicy } from 'aws-cdk-lib';
import { isProd, type StackSettings } from './settings.ts';

/** Prod keeps stateful resources when the stack or resource goes away; other stages clean up. */
export const removalPolicyFor = (settings: Pick<StackSettings, 'stage'>) =>
  isProd(settings) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
