import { productCreatedV1ToV2, type ProductCreatedV1Data } from './product.js';

/** Turns the data of one schemaVersion of an event type into the next version's. */
export type Upcaster = (data: never) => unknown;

export interface EventSchema {
  /** The version new events of this type are written with. */
  readonly current: number;
  /** `steps[n]` upcasts version n to n + 1, for every n from 1 below `current`. */
  readonly steps: Readonly<Record<number, Upcaster>>;
}

/** Event types whose data shape changed, by type name. Types not listed are at version 1. */
export type EventSchemas = Readonly<Record<string, EventSchema>>;

/**
 * The registry of changed event shapes. A change to a stored event's data gets
 * the next schemaVersion here and a pure step from the previous one; events
 * are never rewritten in the log, they are upcast as they are read.
 */
export const EVENT_SCHEMAS: EventSchemas = {
  ProductCreated: {
    current: 2,
    steps: { 1: (data: ProductCreatedV1Data) => productCreatedV1ToV2(data) },
  },
};

export class UnknownSchemaVersionError extends Error {
  readonly code = 'UNKNOWN_SCHEMA_VERSION';
  constructor(
    readonly type: string,
    readonly version: unknown,
    readonly current: number,
  ) {
    super(
      `${type} schemaVersion ${String(version)} is not known here (current: ${current}); ` +
        'the log was written by a newer engine or the event is malformed',
    );
    this.name = 'UnknownSchemaVersionError';
  }
}

export function currentSchemaVersion(type: string, schemas: EventSchemas = EVENT_SCHEMAS): number {
  return schemas[type]?.current ?? 1;
}

/** A stored event's version; events written before versions were recorded count as 1. */
export const storedSchemaVersion = (metadata: Readonly<Record<string, unknown>>): unknown =>
  metadata.schemaVersion ?? 1;

/** Whether data of this type and version must pass through upcasters before use. */
export function needsUpcast(
  type: string,
  version: unknown,
  schemas: EventSchemas = EVENT_SCHEMAS,
): boolean {
  return version !== currentSchemaVersion(type, schemas);
}

/**
 * Runs the chain from `version` up to the type's current version. A version
 * that is not a whole number from 1 to current (a newer engine's event, or a
 * malformed one) throws UnknownSchemaVersionError rather than guess.
 */
export function upcastData(
  type: string,
  data: unknown,
  version: unknown,
  schemas: EventSchemas = EVENT_SCHEMAS,
): unknown {
  const current = currentSchemaVersion(type, schemas);
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > current)
    throw new UnknownSchemaVersionError(type, version, current);
  let upcast = data;
  for (let from = version; from < current; from++) {
    const step = schemas[type]?.steps[from];
    if (!step) throw new Error(`${type}: no upcaster from schemaVersion ${from} to ${from + 1}`);
    upcast = (step as (data: unknown) => unknown)(upcast);
  }
  return upcast;
}

/** Every event schema has a step for each version below its current one. */
export function assertCompleteChains(schemas: EventSchemas = EVENT_SCHEMAS): void {
  for (const [type, schema] of Object.entries(schemas)) {
    if (!Number.isInteger(schema.current) || schema.current < 1)
      throw new Error(`${type}: current schemaVersion must be a whole number from 1`);
    for (let from = 1; from < schema.current; from++) {
      if (!schema.steps[from])
        throw new Error(`${type}: no upcaster from schemaVersion ${from} to ${from + 1}`);
    }
  }
}
