import { EVENT_TYPE, STREAM_NAME, type RegexFilter } from '@kurrent/kurrentdb-client';
import {
  acceptsEvent,
  categoryRegex,
  escapeRegex,
  eventTypeRegex,
  selectsNothing,
  serverFilterFor,
} from '../../../src/stores/kurrentdb/kurrentdb-filters.js';

const matches = (regex: string, text: string) => new RegExp(regex).test(text);

describe('KurrentDB filters', () => {
  it('matches stream ids by category exactly', () => {
    const regex = categoryRegex(['order', 'cart']);
    expect(matches(regex, 'order-1')).toBe(true);
    expect(matches(regex, 'order-1-2')).toBe(true);
    expect(matches(regex, 'order')).toBe(true);
    expect(matches(regex, 'cart-9')).toBe(true);
    expect(matches(regex, 'orders-1')).toBe(false);
    expect(matches(regex, 'xorder-1')).toBe(false);
    expect(matches(regex, '$ce-order')).toBe(false);
  });

  it('matches event types exactly', () => {
    const regex = eventTypeRegex(['Kept', 'Item.Added']);
    expect(matches(regex, 'Kept')).toBe(true);
    expect(matches(regex, 'Item.Added')).toBe(true);
    expect(matches(regex, 'KeptMore')).toBe(false);
    expect(matches(regex, 'ItemXAdded')).toBe(false);
  });

  it('escapes regex syntax in names', () => {
    expect(escapeRegex('a.b*c(d)[e]{f}|g^h$i?j+k\\l')).toBe(
      'a\\.b\\*c\\(d\\)\\[e\\]\\{f\\}\\|g\\^h\\$i\\?j\\+k\\\\l',
    );
  });

  it('filters on the server by category first, else by type, else drops system events', () => {
    const both = serverFilterFor({
      streamCategories: ['order'],
      eventTypes: ['Kept'],
    }) as RegexFilter;
    expect(both).toMatchObject({ filterOn: STREAM_NAME, regex: categoryRegex(['order']) });
    const types = serverFilterFor({ eventTypes: ['Kept'] }) as RegexFilter;
    expect(types).toMatchObject({ filterOn: EVENT_TYPE, regex: eventTypeRegex(['Kept']) });
    const none = serverFilterFor(undefined) as RegexFilter;
    expect(none.filterOn).toBe(EVENT_TYPE);
    expect(matches(none.regex, '$>')).toBe(false);
    expect(matches(none.regex, 'OrderPlaced')).toBe(true);
  });

  it('applies the whole filter on the client and always drops system events', () => {
    const filter = { streamCategories: ['order'], eventTypes: ['Kept'] };
    expect(acceptsEvent({ streamId: 'order-1', type: 'Kept' }, filter)).toBe(true);
    expect(acceptsEvent({ streamId: 'order-1', type: 'Dropped' }, filter)).toBe(false);
    expect(acceptsEvent({ streamId: 'cart-1', type: 'Kept' }, filter)).toBe(false);
    expect(acceptsEvent({ streamId: 'order-1', type: '$>' }, undefined)).toBe(false);
    expect(acceptsEvent({ streamId: '$streams', type: 'Kept' }, undefined)).toBe(false);
  });

  it('knows that an empty list selects nothing', () => {
    expect(selectsNothing({ streamCategories: [] })).toBe(true);
    expect(selectsNothing({ eventTypes: [] })).toBe(true);
    expect(selectsNothing({ streamCategories: ['order'] })).toBe(false);
    expect(selectsNothing(undefined)).toBe(false);
  });
});
