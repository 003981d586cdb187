import type { AllStreamResolvedEvent } from '@kurrent/kurrentdb-client';
import {
  isSystemEvent,
  toEventData,
  toRecordedEvent,
} from '../../../src/stores/kurrentdb/kurrentdb-events.js';

const created = new Date('2025-01-02T03:04:05.678Z');

function resolved(overrides: Record<string, unknown> = {}): AllStreamResolvedEvent {
  return {
    event: {
      streamId: 'order-1',
      id: '0190a5b4-0000-7000-8000-000000000001',
      isJson: true,
      revision: 3n,
      type: 'OrderPlaced',
      created,
      data: { total: 10 },
      metadata: { correlationId: 'c-1' },
      position: { commit: 200n, prepare: 200n },
      ...overrides,
    },
  } as AllStreamResolvedEvent;
}

describe('KurrentDB event conversion', () => {
  it('writes JSON events with the caller event id, type, data and metadata', () => {
    const data = toEventData({
      eventId: '0190a5b4-0000-7000-8000-000000000009',
      type: 'OrderPlaced',
      data: { total: 10 },
      metadata: { correlationId: 'c-1' },
    });
    expect(data).toEqual({
      id: '0190a5b4-0000-7000-8000-000000000009',
      contentType: 'application/json',
      type: 'OrderPlaced',
      data: { total: 10 },
      metadata: { correlationId: 'c-1' },
    });
  });

  it('writes null for missing data and no metadata when there is none', () => {
    const data = toEventData({
      eventId: '0190a5b4-0000-7000-8000-00000000000a',
      type: 'Pinged',
      data: undefined,
    });
    expect(data.data).toBeNull();
    expect(data.metadata).toBeUndefined();
  });

  it('reads every field of a recorded event', () => {
    expect(toRecordedEvent(resolved())).toEqual({
      streamId: 'order-1',
      revision: 3,
      position: '200/200',
      eventId: '0190a5b4-0000-7000-8000-000000000001',
      type: 'OrderPlaced',
      data: { total: 10 },
      metadata: { correlationId: 'c-1' },
      recordedAt: '2025-01-02T03:04:05.678Z',
    });
  });

  it('reads absent or non-object metadata as empty', () => {
    expect(toRecordedEvent(resolved({ metadata: undefined }))?.metadata).toEqual({});
    expect(toRecordedEvent(resolved({ metadata: new Uint8Array([1, 2]) }))?.metadata).toEqual({});
    expect(toRecordedEvent(resolved({ metadata: ['a'] }))?.metadata).toEqual({});
  });

  it('falls back to the commit position when the record carries none', () => {
    const withoutPosition = resolved({ position: undefined });
    expect(toRecordedEvent({ ...withoutPosition, commitPosition: 77n })?.position).toBe('77/77');
    expect(() => toRecordedEvent(withoutPosition)).toThrow(/without a position/);
  });

  it('reads a link whose target is gone as nothing', () => {
    expect(toRecordedEvent({})).toBeUndefined();
  });

  it('treats $-prefixed streams and types, links included, as system events', () => {
    expect(isSystemEvent({ streamId: '$streams', type: '$>' })).toBe(true);
    expect(isSystemEvent({ streamId: 'order-1', type: '$metadata' })).toBe(true);
    expect(isSystemEvent({ streamId: '$ce-order', type: 'OrderPlaced' })).toBe(true);
    expect(isSystemEvent({ streamId: 'order-1', type: 'OrderPlaced' })).toBe(false);
  });
});
