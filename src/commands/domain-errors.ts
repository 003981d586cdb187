import { AppError } from '../errors.js';

/** Rejections shared by several aggregates. */
export const invalidTransition = (message: string) => new AppError('INVALID_TRANSITION', message);

export const notFound = (what: string) => new AppError('NOT_FOUND', `No such ${what}`);
