import type { KurrentDBClient } from '@kurrent/kurrentdb-client';

/** The reading half of the client: what the read helpers need, and what tests fake. */
export type KurrentDBReader = Pick<KurrentDBClient, 'readAll' | 'readStream'>;
