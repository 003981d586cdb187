import {
  START,
  type AllStreamResolvedEvent,
  type KurrentDBClient,
} from '@kurrent/kurrentdb-client';
import { Observable } from 'rxjs';
import type { EventFilter, Position, RecordedEvent } from '../event-store.js';
import { toRecordedEvent } from './kurrentdb-events.js';
import { acceptsEvent, serverFilterFor } from './kurrentdb-filters.js';
import { toClientPosition } from './kurrentdb-positions.js';
import type { SourceSignals } from './resilient-subscription.js';

const ignore = (): void => undefined;

/**
 * One catch-up subscription to $all as an Observable: it errors or completes
 * when the server drops it, and unsubscribing cancels the gRPC call.
 */
export function subscribeToAllOnce(
  client: Pick<KurrentDBClient, 'subscribeToAll'>,
  after: Position | undefined,
  filter: EventFilter | undefined,
  signals: SourceSignals,
): Observable<RecordedEvent> {
  return new Observable<RecordedEvent>((subscriber) => {
    const subscription = client.subscribeToAll({
      fromPosition: after === undefined ? START : toClientPosition(after),
      filter: serverFilterFor(filter),
      resolveLinkTos: false,
    });
    const onData = (resolved: AllStreamResolvedEvent): void => {
      try {
        const event = toRecordedEvent(resolved);
        if (event && acceptsEvent(event, filter)) subscriber.next(event);
      } catch (error) {
        subscriber.error(error);
      }
    };
    const onCaughtUp = (): void => signals.healthy();
    const onError = (error: Error): void => subscriber.error(error);
    const onEnd = (): void => subscriber.complete();
    subscription.on('data', onData);
    subscription.on('caughtUp', onCaughtUp);
    subscription.on('error', onError);
    subscription.on('end', onEnd);
    return () => {
      subscription.removeListener('data', onData);
      subscription.removeListener('caughtUp', onCaughtUp);
      subscription.removeListener('error', onError);
      subscription.removeListener('end', onEnd);
      // Errors raised while the call is being cancelled concern nobody any more.
      subscription.on('error', ignore);
      subscription.unsubscribe().then(() => subscription.destroy(), ignore);
    };
  });
}
