import { InvalidWriteError } from '../../../src/stores/mongodb/mongo-errors.js';
import {
  UPDATE_OPERATORS,
  conflictingPaths,
  validateUpdate,
} from '../../../src/stores/mongodb/mongo-updates.js';

const check = (update: Record<string, unknown>) => () => validateUpdate(update, 'test');

describe('MongoDB update validation', () => {
  it('accepts every documented operator', () => {
    expect(check({ $set: { a: 1, 'b.c': 'x' }, $unset: { d: '' }, $inc: { n: 2 } })).not.toThrow();
    expect(check({ $push: { seen: 'x' }, $pull: { gone: { $in: [1, 2] } } })).not.toThrow();
    expect(check({ $addToSet: { tags: { $each: ['a', 'b'] } } })).not.toThrow();
    expect(check({ $push: { log: { $each: [1], $slice: -10, $position: 0 } } })).not.toThrow();
    expect(check({ $min: { low: 1 }, $max: { high: 9 }, $mul: { price: 1.1 } })).not.toThrow();
    expect(check({ $rename: { old: 'new' }, $setOnInsert: { created: 1 } })).not.toThrow();
    expect(check({ $currentDate: { at: true, ts: { $type: 'timestamp' } } })).not.toThrow();
    expect(check({ $set: { 'lines.$[].seen': true } })).not.toThrow();
    expect(UPDATE_OPERATORS.size).toBe(12);
  });

  it('refuses unknown operators, replacements and empty updates', () => {
    expect(check({ $notAnOperator: { v: 3 } })).toThrow(InvalidWriteError);
    expect(check({ $where: { v: 3 } })).toThrow(/unknown update operator \$where/);
    expect(check({ name: 'not an operator' })).toThrow(/unknown update operator name/);
    expect(check({})).toThrow(/at least one operator/);
  });

  it('refuses operators without a document of fields', () => {
    expect(check({ $set: 1 })).toThrow(/\$set takes a document/);
    expect(check({ $set: [{ a: 1 }] })).toThrow(/\$set takes a document/);
  });

  it('refuses values the server would refuse', () => {
    expect(check({ $inc: { n: '1' } })).toThrow(/needs a number/);
    expect(check({ $mul: { n: null } })).toThrow(/needs a number/);
    expect(check({ $rename: { a: 3 } })).toThrow(/new field path/);
    expect(check({ $currentDate: { at: 'now' } })).toThrow(/\$type/);
    expect(check({ $push: { a: { $each: 1 } } })).toThrow(/\$each needs an array/);
    expect(check({ $addToSet: { a: { $each: [1], $slice: 2 } } })).toThrow(/unknown modifier/);
  });

  it('refuses bad paths, _id changes and positional operators that need a query', () => {
    expect(check({ $set: { 'a..b': 1 } })).toThrow(/not a field path/);
    expect(check({ $set: { _id: 'x' } })).toThrow(/_id cannot change/);
    expect(check({ $rename: { a: '_id' } })).toThrow(/_id cannot change/);
    expect(check({ $set: { 'lines.$.qty': 1 } })).toThrow(/positional/);
    expect(check({ $set: { 'lines.$[l].qty': 1 } })).toThrow(/positional/);
  });

  it('refuses paths that conflict across operators', () => {
    expect(check({ $set: { a: 1 }, $inc: { a: 1 } })).toThrow(/"a" and "a" conflict/);
    expect(check({ $set: { 'a.b': 1 }, $unset: { a: '' } })).toThrow(/"a" and "a.b" conflict/);
    expect(check({ $rename: { a: 'b' }, $set: { b: 1 } })).toThrow(/conflict/);
  });

  it('finds conflicts regardless of how paths sort', () => {
    expect(conflictingPaths(['a', 'a-b', 'a.c'])).toEqual(['a', 'a.c']);
    expect(conflictingPaths(['ab', 'a', 'a_b'])).toBeUndefined();
  });
});
