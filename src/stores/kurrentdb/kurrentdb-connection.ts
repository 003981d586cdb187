import { KurrentDBClient } from '@kurrent/kurrentdb-client';

const ACCEPTED_SCHEMES = ['kurrentdb', 'kurrent', 'kdb', 'esdb'];

/**
 * The client takes kurrentdb://, kurrent:// and kdb:// (each also +discover);
 * esdb:// still works but warns on every connection, so it is renamed here.
 */
export function normaliseConnectionString(connectionString: string): string {
  const trimmed = connectionString.trim();
  const match = /^([a-z]+)(\+discover)?:\/\//i.exec(trimmed);
  const scheme = match?.[1]?.toLowerCase();
  if (!match || scheme === undefined || !ACCEPTED_SCHEMES.includes(scheme)) {
    throw new InvalidConnectionStringError(connectionString);
  }
  const normalisedScheme = scheme === 'esdb' ? 'kurrentdb' : scheme;
  return `${normalisedScheme}${match[2]?.toLowerCase() ?? ''}://${trimmed.slice(match[0].length)}`;
}

export function connectKurrentDB(connectionString: string): KurrentDBClient {
  return KurrentDBClient.connectionString(normaliseConnectionString(connectionString));
}

export class InvalidConnectionStringError extends Error {
  readonly code = 'INVALID_CONNECTION_STRING';
  constructor(connectionString: string) {
    super(
      `Not a KurrentDB connection string: ${redact(connectionString)} ` +
        '(expected kurrentdb://, kurrentdb+discover://, esdb:// or esdb+discover://)',
    );
    this.name = 'InvalidConnectionStringError';
  }
}

/** Keeps passwords out of error messages and logs. */
export function redact(connectionString: string): string {
  return connectionString.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
