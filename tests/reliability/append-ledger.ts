import type { ExpectedRevision, RecordedEvent } from '../../src/stores/event-store.js';
import type { LoadEventData, LoadReport } from './fixtures/load-report.js';

interface SentAppend {
  readonly streamId: string;
  readonly eventIds: readonly string[];
  readonly expectedRevision: ExpectedRevision;
}

interface Ack {
  readonly nextRevision: number;
  readonly position: string;
}

/**
 * What append-under-load processes sent and were told, over all their lives,
 * and the check of a recovered log against it.
 */
export class AppendLedger {
  private readonly sent = new Map<string, SentAppend>();
  private readonly acked = new Map<string, Ack>();
  private readonly rejected = new Set<string>();

  record(report: LoadReport): void {
    switch (report.kind) {
      case 'ready':
        return;
      case 'sending':
        if (this.sent.has(report.appendId)) throw new Error(`${report.appendId} sent twice`);
        this.sent.set(report.appendId, report);
        return;
      case 'acked':
        this.expectSent(report.appendId);
        this.acked.set(report.appendId, report);
        return;
      case 'rejected':
        this.expectSent(report.appendId);
        this.rejected.add(report.appendId);
        return;
      default: {
        const _: never = report;
      }
    }
  }

  get counts() {
    return { sent: this.sent.size, acked: this.acked.size, rejected: this.rejected.size };
  }

  /**
   * Every acknowledged append is stored whole at its acknowledged revisions;
   * every append is whole or absent, contiguous, and honoured its expected
   * revision; rejected appends are absent; nothing unsent is stored.
   */
  violations(log: readonly RecordedEvent[], streamPrefix: string): string[] {
    const indexOf = new Map(log.map((event, i) => [event.eventId, i]));
    const sentIds = new Set<string>();
    const found: string[] = [];
    for (const [appendId, sent] of this.sent) {
      sent.eventIds.forEach((id) => sentIds.add(id));
      const indexes = sent.eventIds.flatMap((id) => indexOf.get(id) ?? []);
      const acked = this.acked.get(appendId);
      if (indexes.length === 0) {
        if (acked) found.push(`acknowledged append ${appendId} is lost`);
      } else if (indexes.length < sent.eventIds.length) {
        found.push(`append ${appendId} is partial: ${indexes.length} of ${sent.eventIds.length}`);
      } else {
        if (this.rejected.has(appendId)) found.push(`rejected append ${appendId} is stored`);
        const events = indexes.map((i) => log[i]).filter((e) => e !== undefined);
        found.push(...storedAppendViolations(appendId, sent, indexes, events, acked));
      }
    }
    for (const event of log) {
      if (event.streamId.startsWith(streamPrefix) && !sentIds.has(event.eventId))
        found.push(`event ${event.eventId} in ${event.streamId} was never sent`);
    }
    return found;
  }

  private expectSent(appendId: string): void {
    if (!this.sent.has(appendId)) throw new Error(`${appendId} answered but never sent`);
  }
}

function storedAppendViolations(
  appendId: string,
  sent: SentAppend,
  indexes: readonly number[],
  events: readonly RecordedEvent[],
  acked: Ack | undefined,
): string[] {
  const found: string[] = [];
  const first = events[0];
  const last = events.at(-1);
  if (!first || !last) return [`append ${appendId} has no events`];
  events.forEach((event, i) => {
    const data = event.data as LoadEventData;
    if (event.streamId !== sent.streamId || data.appendId !== appendId || data.index !== i)
      found.push(`${appendId} event ${i} is stored as ${JSON.stringify(event)}`);
    if (event.revision !== first.revision + i || indexes[i] !== (indexes[0] ?? 0) + i)
      found.push(`${appendId} is not contiguous: ${events.map((e) => e.position).join(',')}`);
  });
  const expectedFirst =
    typeof sent.expectedRevision === 'number'
      ? sent.expectedRevision + 1
      : sent.expectedRevision === 'no_stream'
        ? 0
        : first.revision;
  if (first.revision !== expectedFirst)
    found.push(`${appendId} expected ${sent.expectedRevision} but starts at ${first.revision}`);
  if (acked && (acked.nextRevision !== last.revision || acked.position !== last.position))
    found.push(
      `${appendId} acknowledged ${acked.nextRevision}@${acked.position}, stored ${last.revision}@${last.position}`,
    );
  return found;
}
