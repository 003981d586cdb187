import {
  EVENT_SCHEMAS,
  UnknownSchemaVersionError,
  assertCompleteChains,
  currentSchemaVersion,
  upcastData,
  type EventSchemas,
} from '../../src/events/upcasters.js';
import type { RecordedEvent } from '../../src/stores/event-store.js';
import { upcastRecorded } from '../../src/stores/upcasting-event-store.js';

type Greeting = { text: string } | { words: string[] } | { words: string[]; lang: string };

/** A type that changed twice: v1 text -> v2 words -> v3 words + language. */
const schemas: EventSchemas = {
  Greeted: {
    current: 3,
    steps: {
      1: (data: { text: string }) => ({ words: data.text.split(' ') }),
      2: (data: { words: string[] }) => ({ ...data, lang: 'en' }),
    },
  },
};

const recorded = (type: string, data: unknown, schemaVersion?: number): RecordedEvent => ({
  streamId: 'greeting-1',
  revision: 0,
  position: '1',
  eventId: 'e-1',
  type,
  data,
  metadata: schemaVersion === undefined ? {} : { schemaVersion, correlationId: 'c-1' },
  recordedAt: '2026-01-01T00:00:00.000Z',
});

describe('upcasters', () => {
  it('runs the whole chain from an old version to the current one', () => {
    expect(upcastData('Greeted', { text: 'hello there' }, 1, schemas)).toEqual({
      words: ['hello', 'there'],
      lang: 'en',
    });
    expect(upcastData('Greeted', { words: ['hi'] }, 2, schemas)).toEqual({
      words: ['hi'],
      lang: 'en',
    });
    const current: Greeting = { words: ['hi'], lang: 'fr' };
    expect(upcastData('Greeted', current, 3, schemas)).toBe(current);
  });

  it('refuses a version newer than the current one with a clear error', () => {
    expect(() => upcastData('Greeted', {}, 4, schemas)).toThrow(UnknownSchemaVersionError);
    expect(() => upcastData('Greeted', {}, 4, schemas)).toThrow(
      'Greeted schemaVersion 4 is not known here (current: 3)',
    );
    expect(() => upcastData('ProductCreated', {}, 99)).toThrow(/current: 2/);
    for (const bad of [0, 1.5, '2', null]) {
      expect(() => upcastData('Greeted', {}, bad, schemas)).toThrow(UnknownSchemaVersionError);
    }
  });

  it('treats types without a schema as version 1 and refuses later versions of them', () => {
    expect(currentSchemaVersion('OrderPlaced')).toBe(1);
    expect(upcastData('OrderPlaced', { a: 1 }, 1)).toEqual({ a: 1 });
    expect(() => upcastData('OrderPlaced', { a: 1 }, 2)).toThrow(UnknownSchemaVersionError);
  });

  it('finds a gap in a chain', () => {
    const broken: EventSchemas = { Greeted: { current: 3, steps: { 1: (d: unknown) => d } } };
    expect(() => assertCompleteChains(broken)).toThrow(
      'Greeted: no upcaster from schemaVersion 2 to 3',
    );
    expect(() => upcastData('Greeted', {}, 1, broken)).toThrow(/from schemaVersion 2 to 3/);
    expect(() => assertCompleteChains(EVENT_SCHEMAS)).not.toThrow();
  });

  it('gives ProductCreated of version 1 the attributes version 2 requires', () => {
    const v1 = {
      productId: 'p-1',
      sku: 'SKU-1',
      name: 'Lamp',
      description: 'A lamp',
      category: 'home',
      price: { amount: 1999, currency: 'EUR' },
    };
    expect(currentSchemaVersion('ProductCreated')).toBe(2);
    expect(upcastData('ProductCreated', v1, 1)).toEqual({ ...v1, attributes: {} });
    const withAttributes = { ...v1, attributes: { colour: 'red' } };
    expect(upcastData('ProductCreated', withAttributes, 1)).toEqual(withAttributes);
  });

  it('upcasts a recorded event and names the new version in its metadata, leaving current ones as they are', () => {
    const old = recorded('Greeted', { text: 'a b' }, 1);
    expect(upcastRecorded(old, schemas)).toEqual({
      ...old,
      data: { words: ['a', 'b'], lang: 'en' },
      metadata: { schemaVersion: 3, correlationId: 'c-1' },
    });
    expect(old.data).toEqual({ text: 'a b' });
    const current = recorded('Greeted', { words: [], lang: 'en' }, 3);
    expect(upcastRecorded(current, schemas)).toBe(current);
    const unversioned = recorded('Greeted', { text: 'x' });
    expect(upcastRecorded(unversioned, schemas).data).toEqual({ words: ['x'], lang: 'en' });
  });
});
