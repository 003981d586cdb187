import { AppError } from '../errors.js';
import type { Projection } from '../projections/projection.js';
import { PROJECTIONS } from '../projections/read-models.js';

/** The read model of this public name; NOT_FOUND otherwise. */
export function projectionNamed(name: string): Projection {
  const projection = PROJECTIONS.find((p) => p.name === name);
  if (!projection) {
    throw new AppError('NOT_FOUND', `No read model named ${name}`, {
      known: PROJECTIONS.map((p) => p.name),
    });
  }
  return projection;
}

/** Collections a rebuild fills before they replace the live ones. */
export const shadowCollection = (local: string): string => `${local}__rebuild`;

/** Collections a verification fills and drops afterwards. */
export const scratchCollection = (local: string): string => `${local}__verify`;

/** Leases that keep a second rebuild or verification of one read model out. */
export const rebuildLease = (name: string): string => `rebuild:${name}`;
export const verifyLease = (name: string): string => `verify:${name}`;
