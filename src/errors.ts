/**
 * The one error type of the engine. `code` is stable and machine-readable
 * (`INVALID_TRANSITION`, `OUT_OF_STOCK`, ...); the HTTP layer maps codes to
 * statuses in one place.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toJSON(): { code: string; message: string; details?: Readonly<Record<string, unknown>> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
