import { InvalidQueryError } from '../../../src/stores/mongodb/mongo-errors.js';
import {
  boundedPipeline,
  toAggregateOptions,
  toFindOptions,
} from '../../../src/stores/mongodb/mongo-queries.js';

describe('MongoDB query options', () => {
  it('passes sort, limit, skip and projection to the driver', () => {
    expect(
      toFindOptions({ sort: { at: -1, _id: 1 }, limit: 5, skip: 10, projection: { terms: 0 } }),
    ).toEqual({ sort: { at: -1, _id: 1 }, limit: 5, skip: 10, projection: { terms: 0 } });
    expect(toFindOptions({})).toEqual({});
  });

  it('answers nothing for limit 0 (which MongoDB would read as no limit)', () => {
    expect(toFindOptions({ limit: 0 })).toBeUndefined();
  });

  it('refuses negative or fractional limits and skips', () => {
    expect(() => toFindOptions({ limit: -1 })).toThrow(InvalidQueryError);
    expect(() => toFindOptions({ skip: 1.5 })).toThrow(InvalidQueryError);
  });

  it('bounds an aggregation at one row past maxResults', () => {
    const pipeline = [{ $match: { category: 'odd' } }];
    expect(boundedPipeline(pipeline, 10)).toEqual([...pipeline, { $limit: 11 }]);
    expect(boundedPipeline(pipeline, 0)).toEqual([...pipeline, { $limit: 1 }]);
    expect(boundedPipeline(pipeline, undefined)).toEqual(pipeline);
    expect(() => boundedPipeline(pipeline, -1)).toThrow(InvalidQueryError);
  });

  it('refuses stages that write', () => {
    expect(() => boundedPipeline([{ $match: {} }, { $out: 'catalog' }], undefined)).toThrow(
      /\$out/,
    );
    expect(() => boundedPipeline([{ $merge: { into: 'catalog' } }], 5)).toThrow(/\$merge/);
  });

  it('turns maxTimeMs into a positive maxTimeMS', () => {
    expect(toAggregateOptions({})).toEqual({});
    expect(toAggregateOptions({ maxTimeMs: 250 })).toEqual({ maxTimeMS: 250 });
    expect(toAggregateOptions({ maxTimeMs: 0 })).toEqual({ maxTimeMS: 1 });
    expect(toAggregateOptions({ maxTimeMs: 0.4 })).toEqual({ maxTimeMS: 1 });
    expect(() => toAggregateOptions({ maxTimeMs: Number.NaN })).toThrow(InvalidQueryError);
  });
});
