import { AppError } from '../../errors.js';

/** Where a page of order history ended: the last order's `placedAt` and id. */
export interface HistoryCursor {
  readonly placedAt: string;
  readonly orderId: string;
}

export const encodeCursor = ({ placedAt, orderId }: HistoryCursor): string =>
  Buffer.from(JSON.stringify([placedAt, orderId])).toString('base64url');

export function decodeCursor(cursor: string): HistoryCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [placedAt, orderId] = value as unknown[];
      if (typeof placedAt === 'string' && typeof orderId === 'string') {
        return { placedAt, orderId };
      }
    }
  } catch {
    // Not base64url JSON: the same answer as any other malformed cursor.
  }
  throw new AppError('VALIDATION_FAILED', 'Malformed cursor', {
    errors: [{ path: 'cursor', message: 'not a cursor this list returned' }],
  });
}
