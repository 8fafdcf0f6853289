import { describe, expect, it } from 'vitest';
import { locationOf } from '../../shared/http/location.ts';

describe('the Location of a created resource', () => {
  it('fills each path parameter from the response field of its name, or the one it is mapped to, percent-encoded', () => {
    expect(locationOf('/contacts/{id}', { id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })).toBe('/contacts/01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(
      locationOf(
        { path: '/contacts/{id}/activities/{activityId}', fields: { id: 'contactId', activityId: 'id' } },
        { id: 'A1', contactId: 'C1' },
      ),
    ).toBe('/contacts/C1/activities/A1');
    expect(locationOf('/suppressions/{channel}/{address}', { channel: 'sms', address: '+33612345678' })).toBe(
      '/suppressions/sms/%2B33612345678',
    );
  });

  it('refuses to name a resource the response does not identify', () => {
    expect(() => locationOf('/journeys/{id}', { name: 'no id' })).toThrow(/no id to fill \{id\}/);
  });
});
