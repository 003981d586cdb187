/**
 * What operators are shown of the log: everything but password hashes, which
 * have their own event type (PasswordSet) so that they can be left out here.
 * An export of the log keeps them: it is the log, not a view of it.
 */
export const REDACTED = '[redacted]';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An event's data as shown. */
export function shownEventData(type: string, data: unknown): unknown {
  return type === 'PasswordSet' && isRecord(data) ? { ...data, passwordHash: REDACTED } : data;
}

/** An aggregate state as shown (a customer's holds its password hash). */
export function shownState(state: unknown): unknown {
  return isRecord(state) && 'passwordHash' in state ? { ...state, passwordHash: REDACTED } : state;
}
