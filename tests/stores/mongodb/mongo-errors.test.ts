import { MongoServerError } from 'mongodb';
import { ReadStoreLimitError } from '../../../src/stores/read-store.js';
import {
  isDuplicateKeyError,
  isNamespaceNotFound,
  isTransactionUnsupported,
  mapReadError,
  serverErrorCode,
} from '../../../src/stores/mongodb/mongo-errors.js';

const serverError = (code: number, codeName: string, message = codeName) =>
  new MongoServerError({ message, code, codeName, ok: 0 });

describe('MongoDB error mapping', () => {
  it("maps the server's MaxTimeMSExpired to the port's limit error", () => {
    const mapped = mapReadError(
      serverError(50, 'MaxTimeMSExpired', 'operation exceeded time limit'),
      'reports',
    );
    expect(mapped).toBeInstanceOf(ReadStoreLimitError);
    expect(mapped).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED' });
    expect((mapped as Error).message).toMatch(/reports/);
  });

  it('passes other errors through untouched', () => {
    const badQuery = serverError(2, 'BadValue');
    expect(mapReadError(badQuery, 'c')).toBe(badQuery);
    const plain = new Error('boom');
    expect(mapReadError(plain, 'c')).toBe(plain);
  });

  it('recognises duplicate keys and missing namespaces by code', () => {
    expect(isDuplicateKeyError(serverError(11000, 'DuplicateKey', 'E11000 duplicate key'))).toBe(
      true,
    );
    expect(isDuplicateKeyError({ code: 11000 })).toBe(true);
    expect(isDuplicateKeyError(serverError(2, 'BadValue'))).toBe(false);
    expect(isNamespaceNotFound(serverError(26, 'NamespaceNotFound'))).toBe(true);
    expect(isNamespaceNotFound(new Error('ns not found'))).toBe(false);
  });

  it('reads codes given as numbers or numeric strings only', () => {
    expect(serverErrorCode({ code: '50' })).toBe(50);
    expect(serverErrorCode({ code: 'ECONNREFUSED' })).toBeUndefined();
    expect(serverErrorCode(undefined)).toBeUndefined();
    expect(serverErrorCode('E11000')).toBeUndefined();
  });

  it("recognises a standalone server's refusal of transactions", () => {
    const refused = serverError(
      20,
      'IllegalOperation',
      'Transaction numbers are only allowed on a replica set member or mongos',
    );
    expect(isTransactionUnsupported(refused)).toBe(true);
    expect(isTransactionUnsupported(serverError(20, 'IllegalOperation', 'other'))).toBe(false);
  });
});
