import type { ClientSession, Db, Document, MongoClient } from 'mongodb';
import { CHECKPOINTS_COLLECTION } from './mongo-collections.js';
import type { CollectionBatch, StoredDoc } from './mongo-writes.js';

export interface CheckpointDoc {
  _id: string;
  position: string;
}

export interface CommitPlan {
  readonly projection: string;
  /** Undefined leaves the checkpoint where it is. */
  readonly position: string | undefined;
  readonly batches: readonly CollectionBatch[];
}

/** Replica set members and mongos routers run multi-document transactions; a standalone does not. */
export function supportsTransactions(hello: Document): boolean {
  return typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
}

export async function detectTransactions(db: Db): Promise<boolean> {
  return supportsTransactions(await db.admin().command({ hello: 1 }));
}

/** Every bulkWrite and the checkpoint in one transaction: all of it or none of it. */
export async function commitInTransaction(
  client: MongoClient,
  db: Db,
  plan: CommitPlan,
): Promise<void> {
  await client.withSession((session) =>
    session.withTransaction(() => applyPlan(db, plan, session), {
      writeConcern: { w: 'majority' },
    }),
  );
}

/**
 * Without transactions (a standalone server) the writes go first and the
 * checkpoint moves last. A crash in between leaves some writes applied and the
 * checkpoint behind them, so the projection replays those events; that is
 * harmless because documents carry `_position` and projections skip events at
 * or before it. Writes are validated before the first is sent, so a bad batch
 * is refused whole; only a failure on the server side (a unique index, a lost
 * connection) can leave part of a batch applied, and the replay repairs it.
 */
export async function commitInOrder(db: Db, plan: CommitPlan): Promise<void> {
  await applyPlan(db, plan);
}

async function applyPlan(db: Db, plan: CommitPlan, session?: ClientSession): Promise<void> {
  const withSession = session ? { session } : {};
  for (const { collection, operations } of plan.batches) {
    await db
      .collection<StoredDoc>(collection)
      .bulkWrite(operations, { ordered: true, ...withSession });
  }
  if (plan.position === undefined) return;
  await db
    .collection<CheckpointDoc>(CHECKPOINTS_COLLECTION)
    .updateOne(
      { _id: plan.projection },
      { $set: { position: plan.position } },
      { upsert: true, ...withSession },
    );
}
