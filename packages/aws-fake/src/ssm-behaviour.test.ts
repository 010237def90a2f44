import { describe, expect, it } from 'vitest';
import { checkCustomDocumentParameters } from './ssm-behaviour.ts';

const doc = JSON.stringify({
  schemaVersion: '2.2',
  parameters: {
    ServiceName: { type: 'String', allowedPattern: '^[a-z]+$' },
    Wait: { type: 'String', default: '5', allowedPattern: '^[0-9]+$' },
    AutomationAssumeRole: { type: 'String' },
  },
});

describe('SSM parameter checks of a custom document', () => {
  it('accepts declared values matching allowedPattern, with defaults and implicit parameters left out', () => {
    expect(() =>
      checkCustomDocumentParameters(doc, { ServiceName: ['nginx'] }, ['AutomationAssumeRole']),
    ).not.toThrow();
  });
  it.each([
    [
      { ServiceName: ['nginx; rm -rf /'] },
      'Parameter "ServiceName" "nginx; rm -rf /" failed to satisfy constraint: AllowedPattern ^[a-z]+$',
    ],
    [{ ServiceName: ['x'], Extra: ['1'] }, 'Parameter "Extra" is not defined in the document.'],
    [{ Wait: ['1'] }, 'Parameter "ServiceName" is required but not provided.'],
  ])('refuses %j as InvalidParameters', (params, message) => {
    expect(() => checkCustomDocumentParameters(doc, params, ['AutomationAssumeRole'])).toThrow(
      expect.objectContaining({ code: 'InvalidParameters', message }),
    );
  });
});
