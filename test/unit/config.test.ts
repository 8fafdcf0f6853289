import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, config, envNames, requiredConfig, schedulerTargetArn, schedulerTargetArnName } from '../../shared/config.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('config', () => {
  it('names every variable by itself, so infra and code share one spelling', () => {
    for (const [key, name] of Object.entries(envNames)) expect(name).toBe(key);
    expect(Object.keys(config).sort()).toEqual(Object.values(envNames).sort());
    expect(schedulerTargetArnName('journeys')).toBe('SCHEDULER_TARGET_ARN_JOURNEYS');
    expect(schedulerTargetArnName('due-tasks')).toBe('SCHEDULER_TARGET_ARN_DUE_TASKS');
  });

  it('falls back to the local defaults when a variable is unset or empty', () => {
    for (const name of ['TABLE_NAME', 'EVENT_BUS_NAME', 'PUBLIC_BASE_URL', 'POWERTOOLS_SERVICE_NAME', 'MAIL_FROM', 'SES_CONFIGURATION_SET'])
      vi.stubEnv(name, undefined);
    vi.stubEnv('SMS_TENANT_BY_NUMBER', '');
    vi.stubEnv('SCHEDULER_TARGETS', undefined);
    expect(config.TABLE_NAME).toBe('rapport');
    expect(config.EVENT_BUS_NAME).toBe('rapport');
    expect(config.PUBLIC_BASE_URL).toBe('http://localhost:3000');
    expect(config.POWERTOOLS_SERVICE_NAME).toBe('rapport');
    expect(config.MAIL_FROM).toBeUndefined();
    expect(config.SES_CONFIGURATION_SET).toBeUndefined();
    expect(config.SMS_TENANT_BY_NUMBER).toEqual({});
    expect(config.SCHEDULER_TARGETS).toEqual({});
  });

  it('reads a variable on use, so a value set after import is the one seen', () => {
    vi.stubEnv('TABLE_NAME', 'first');
    expect(config.TABLE_NAME).toBe('first');
    vi.stubEnv('TABLE_NAME', 'second');
    expect(config.TABLE_NAME).toBe('second');
    vi.stubEnv('PUBLIC_BASE_URL', 'https://api.example.com/');
    expect(config.PUBLIC_BASE_URL).toBe('https://api.example.com');
  });

  it('parses the JSON maps', () => {
    vi.stubEnv('SMS_TENANT_BY_NUMBER', '{"+14155550100":"acme","*":"other"}');
    expect(config.SMS_TENANT_BY_NUMBER).toEqual({ '+14155550100': 'acme', '*': 'other' });
    vi.stubEnv('SCHEDULER_TARGETS', '{"journeys":"arn:aws:lambda:eu-west-1:1:function:j"}');
    expect(schedulerTargetArn('journeys')).toBe('arn:aws:lambda:eu-west-1:1:function:j');
    vi.stubEnv('SCHEDULER_TARGET_ARN_JOURNEYS', 'arn:aws:lambda:eu-west-1:1:function:own');
    expect(schedulerTargetArn('journeys')).toBe('arn:aws:lambda:eu-west-1:1:function:own');
  });

  it('fails at first use with an error naming a misconfigured variable', () => {
    vi.stubEnv('SMS_TENANT_BY_NUMBER', '+14155550100=acme');
    expect(() => config.SMS_TENANT_BY_NUMBER).toThrow(ConfigError);
    expect(() => config.SMS_TENANT_BY_NUMBER).toThrow(/^SMS_TENANT_BY_NUMBER is not JSON/);
    vi.stubEnv('SCHEDULER_TARGETS', '["arn:aws:lambda:eu-west-1:1:function:j"]');
    expect(() => schedulerTargetArn('journeys')).toThrow(/^SCHEDULER_TARGETS must be a JSON object of strings/);
    vi.stubEnv('SCHEDULER_TARGETS', '{"journeys":1}');
    expect(() => config.SCHEDULER_TARGETS).toThrow(/^SCHEDULER_TARGETS must be a JSON object of strings/);
    vi.stubEnv('PUBLIC_BASE_URL', 'api.example.com');
    expect(() => config.PUBLIC_BASE_URL).toThrow(/^PUBLIC_BASE_URL must be an absolute URL/);
    // Fixing the variable fixes the value: nothing stale is kept.
    vi.stubEnv('SMS_TENANT_BY_NUMBER', '{"*":"acme"}');
    expect(config.SMS_TENANT_BY_NUMBER).toEqual({ '*': 'acme' });
  });

  it('names what is missing when a feature needs a variable', () => {
    vi.stubEnv('SCHEDULER_ROLE_ARN', undefined);
    expect(() => requiredConfig('SCHEDULER_ROLE_ARN')).toThrow('SCHEDULER_ROLE_ARN must be set');
    vi.stubEnv('SCHEDULER_TARGETS', '{}');
    vi.stubEnv('SCHEDULER_TARGET_ARN_SURVEYS', undefined);
    expect(() => schedulerTargetArn('surveys')).toThrow(/no scheduler target ARN for context surveys/);
    vi.stubEnv('SCHEDULER_ROLE_ARN', 'arn:aws:iam::1:role/s');
    expect(requiredConfig('SCHEDULER_ROLE_ARN')).toBe('arn:aws:iam::1:role/s');
  });
});
