import {
  InvalidConnectionStringError,
  normaliseConnectionString,
  redact,
} from '../../../src/stores/kurrentdb/kurrentdb-connection.js';

describe('KurrentDB connection strings', () => {
  it('keeps kurrentdb:// and its discover form', () => {
    expect(normaliseConnectionString('kurrentdb://kurrentdb:2113?tls=false')).toBe(
      'kurrentdb://kurrentdb:2113?tls=false',
    );
    expect(normaliseConnectionString('kurrentdb+discover://a:2113,b:2113')).toBe(
      'kurrentdb+discover://a:2113,b:2113',
    );
  });

  it('renames the deprecated esdb:// schemes', () => {
    expect(normaliseConnectionString('esdb://localhost:2113?tls=false')).toBe(
      'kurrentdb://localhost:2113?tls=false',
    );
    expect(normaliseConnectionString(' ESDB+discover://admin:changeit@cluster:2113 ')).toBe(
      'kurrentdb+discover://admin:changeit@cluster:2113',
    );
  });

  it('refuses other schemes without revealing the password', () => {
    expect(() => normaliseConnectionString('mongodb://u:secret@h:27017')).toThrow(
      InvalidConnectionStringError,
    );
    expect(() => normaliseConnectionString('mongodb://u:secret@h:27017')).toThrow(/u:\*\*\*@h/);
    expect(() => normaliseConnectionString('localhost:2113')).toThrow(InvalidConnectionStringError);
  });

  it('redacts credentials', () => {
    expect(redact('kurrentdb://admin:changeit@db:2113')).toBe('kurrentdb://admin:***@db:2113');
    expect(redact('kurrentdb://db:2113')).toBe('kurrentdb://db:2113');
  });
});
