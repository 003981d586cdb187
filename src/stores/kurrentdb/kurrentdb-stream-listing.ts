import {
  BACKWARDS,
  END,
  STREAMS_STREAM,
  START,
  excludeSystemEvents,
  streamNameFilter,
  type ReadStreamOptions,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import type { ListStreamsOptions, StreamInfo } from '../event-store.js';
import { isStreamNotFound } from './kurrentdb-errors.js';
import { formatPosition, toClientPosition } from './kurrentdb-positions.js';
import type { KurrentDBReader } from './kurrentdb-reader.js';

const REVISION_LOOKUPS_AT_ONCE = 32;
/** How far back to look in $streams for a link whose target still exists. */
const LINKS_TO_PROBE = 64;

/**
 * KurrentDB has no stream listing. The `$streams` system projection links the
 * first event of every stream; streams it has not linked yet (it runs behind
 * the log) are found by scanning $all after the newest linked stream, so a
 * stream is listed as soon as its first append returns. Without projections
 * the whole of $all is scanned: correct, but slow on a large store.
 */
export async function listStreams(
  reader: KurrentDBReader,
  revisionOf: (streamId: string) => Promise<number | undefined>,
  options: ListStreamsOptions = {},
): Promise<StreamInfo[]> {
  const { prefix = '', after, limit = Number.MAX_SAFE_INTEGER } = options;
  if (limit <= 0) return [];
  const candidates = [...(await streamIdsWithPrefix(reader, prefix))]
    .filter((id) => !id.startsWith('$') && (after === undefined || id > after))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const listed: StreamInfo[] = [];
  for (let i = 0; i < candidates.length && listed.length < limit; i += REVISION_LOOKUPS_AT_ONCE) {
    const chunk = candidates.slice(i, i + REVISION_LOOKUPS_AT_ONCE);
    const revisions = await Promise.all(chunk.map(revisionOf));
    chunk.forEach((streamId, j) => {
      const revision = revisions[j];
      // Deleted streams keep their link but have no revision.
      if (revision !== undefined && listed.length < limit) listed.push({ streamId, revision });
    });
  }
  return listed;
}

/** Every stream id starting with `prefix` (a superset: deleted streams included). */
export async function streamIdsWithPrefix(
  reader: KurrentDBReader,
  prefix: string,
): Promise<Set<string>> {
  const ids = new Set<string>();
  const linkedUpTo = await newestLinkedPosition(reader);
  for await (const resolved of readStreamIfExists(reader, STREAMS_STREAM, {})) {
    const streamId = resolved.event ? linkTarget(resolved.event.data) : undefined;
    if (streamId?.startsWith(prefix)) ids.add(streamId);
  }
  const notYetLinked = reader.readAll({
    fromPosition: linkedUpTo === undefined ? START : toClientPosition(linkedUpTo),
    filter: prefix ? streamNameFilter({ prefixes: [prefix] }) : excludeSystemEvents(),
    resolveLinkTos: false,
  });
  for await (const resolved of notYetLinked) {
    const streamId = resolved.event?.streamId;
    if (streamId?.startsWith(prefix)) ids.add(streamId);
  }
  return ids;
}

/** Position of the first event of the newest stream $streams links to. */
async function newestLinkedPosition(reader: KurrentDBReader): Promise<string | undefined> {
  const newest = readStreamIfExists(reader, STREAMS_STREAM, {
    direction: BACKWARDS,
    fromRevision: END,
    maxCount: LINKS_TO_PROBE,
    resolveLinkTos: true,
  });
  for await (const resolved of newest) {
    const position = resolved.link ? resolved.event?.position : undefined;
    if (position) return formatPosition(position);
  }
  return undefined;
}

/** A link event's data is "<revision>@<stream id>". */
export function linkTarget(data: unknown): string | undefined {
  const text =
    typeof data === 'string'
      ? data
      : data instanceof Uint8Array
        ? Buffer.from(data).toString('utf8')
        : undefined;
  const match = text === undefined ? null : /^\d+@(.+)$/s.exec(text);
  return match?.[1];
}

async function* readStreamIfExists(
  reader: KurrentDBReader,
  streamId: string,
  options: ReadStreamOptions,
): AsyncGenerator<ResolvedEvent> {
  try {
    yield* reader.readStream(streamId, options);
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
  }
}
