import { Logger } from '@aws-lambda-powertools/logger';
import { config } from './config.ts';

/**
 * The one structured logger. Its service name is POWERTOOLS_SERVICE_NAME, which
 * the stack sets per function (`rapport-<context>`); runs without it (tests, the
 * embedded runtime) log as `rapport`. POWERTOOLS_LOG_LEVEL sets the level.
 */
export const logger = new Logger({ serviceName: config.POWERTOOLS_SERVICE_NAME });
