import { describe, expect, it } from 'vitest';
import { isRealtimeEventType } from './events.ts';
import { incidentChangeEvent, situationChangeEvents, type IncidentChange } from './announce.ts';

const base: IncidentChange = {
  type: 'incident.created',
  mspId: 'm1',
  companyId: 'c1',
  incidentId: 'i1',
  title: 'port_scan on fw-1',
  status: 'OPEN',
  severity: 'HIGH',
  alertCount: 1,
};

describe('situation events', () => {
  it('an incident change that formed, joined or closed a situation announces it to its company', () => {
    for (const change of ['created', 'joined', 'updated', 'closed'] as const) {
      expect(situationChangeEvents({ ...base, situationId: 's1', situationChange: change })).toEqual([
        {
          type: 'situation.changed',
          mspId: 'm1',
          companyId: 'c1',
          payload: { situationId: 's1', incidentId: 'i1', change },
        },
      ]);
    }
    expect(isRealtimeEventType('situation.changed')).toBe(true);
  });

  it('a change that did nothing to a situation announces none, and the incident event is unchanged', () => {
    expect(situationChangeEvents(base)).toEqual([]);
    expect(situationChangeEvents({ ...base, situationId: 's1' })).toEqual([]);
    expect(situationChangeEvents({ ...base, situationId: null, situationChange: 'closed' })).toEqual([]);
    expect(incidentChangeEvent({ ...base, situationId: 's1', situationChange: 'created' })).toEqual(
      incidentChangeEvent(base),
    );
  });
});
