/** Summarises a V8 `.cpuprofile` (as written by bench/servers/cpu-profile-hook.ts). */

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileEntry {
  readonly name: string;
  /** Where it lives: a repository file, `npm:<package>`, `node:<module>` or a V8 pseudo-frame. */
  readonly where: string;
  readonly ms: number;
  /** Share of the busy (non-idle) samples. */
  readonly share: number;
  /**
   * For a function outside the engine: the engine function (src/) nearest
   * above it on the stack (or, with none, the nearest package function) that
   * most of its time was spent under, and that share.
   */
  readonly via?: { readonly name: string; readonly where: string; readonly share: number };
}

export interface ProfileSummary {
  readonly wallMs: number;
  readonly busyMs: number;
  readonly samples: number;
  /** Self time per function. */
  readonly topSelf: readonly ProfileEntry[];
  /**
   * Self time per area (package, node module, engine directory); a native
   * function (SQLite, crypto, JSON, writev) is charged to its caller's area.
   */
  readonly areas: readonly ProfileEntry[];
  /** Inclusive time (self plus callees) of the engine's own functions (src/). */
  readonly topInclusiveSrc: readonly ProfileEntry[];
}

const SPECIAL = /^\((idle|program|garbage collector|root)\)$/;

/** A short location: `src/api/app.ts:42`, `npm:express/lib/router.js:12`, `node:net:8`. */
function location(frame: CallFrame): string {
  const { url } = frame;
  const line = frame.lineNumber >= 0 ? `:${frame.lineNumber + 1}` : '';
  if (url === '') return '';
  if (url.startsWith('node:')) return `${url}${line}`;
  const path = decodeURIComponent(url.replace(/^file:\/\//, ''));
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return `npm:${path.slice(modules + '/node_modules/'.length)}${line}`;
  const own = /\/((?:src|bench|tests)\/.*)$/.exec(path);
  return `${own?.[1] ?? path}${line}`;
}

/** The area a frame's self time is charged to. */
function area(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return SPECIAL.test(functionName) ? functionName : '(native)';
  if (url.startsWith('node:')) {
    const parts = url.slice('node:'.length).split('/');
    return parts[0] === 'internal' ? `node:internal/${parts[1] ?? ''}` : `node:${parts[0] ?? ''}`;
  }
  const path = decodeURIComponent(url.replace(/^file:\/\//, ''));
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope, name] = path.slice(modules + '/node_modules/'.length).split('/');
    return `npm:${scope?.startsWith('@') ? `${scope}/${name ?? ''}` : (scope ?? '')}`;
  }
  const own = /\/(src|bench|tests)\/(?:([^/]+)\/)?/.exec(path);
  if (own) return own[2] ? `${own[1]}/${own[2]}/` : `${own[1]}/`;
  return path;
}

const functionKey = (frame: CallFrame) =>
  `${frame.functionName || '(anonymous)'}\u0000${location(frame)}`;

const splitKey = (key: string) => {
  const [name = '', where = ''] = key.split('\u0000');
  return { name, where };
};

function ranked(
  totals: Map<string, number>,
  busyMs: number,
  limit: number,
  callers?: Map<string, Map<string, number>>,
): ProfileEntry[] {
  return [...totals]
    .sort(([, a], [, b]) => b - a)
    .slice(0, limit)
    .map(([key, ms]) => {
      const [top] = [...(callers?.get(key) ?? [])].sort(([, a], [, b]) => b - a);
      const via = top ? { via: { ...splitKey(top[0]), share: top[1] / ms } } : {};
      return { ...splitKey(key), ms, share: ms / busyMs, ...via };
    });
}

const isEngine = (frame: CallFrame) =>
  /\/src\//.test(frame.url) && !frame.url.includes('node_modules');

export function summariseProfile(profile: CpuProfile, limit = 15): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id);

  // Each sample stands for the time until the next one.
  const weights = profile.samples.map((_, i) => (profile.timeDeltas[i + 1] ?? 0) / 1000);
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const callers = new Map<string, Map<string, number>>();
  let busyMs = 0;
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id)?.callFrame;
    const ms = weights[i] ?? 0;
    if (!frame || frame.functionName === '(idle)') return;
    busyMs += ms;
    // A native function's name alone is ambiguous (\`run\` is a crypto job as well as a
    // SQLite statement): charge it to its caller's location too.
    const caller = frame.url === '' ? nodes.get(parents.get(id) ?? -1)?.callFrame : undefined;
    const key =
      caller && !SPECIAL.test(frame.functionName)
        ? `${frame.functionName}\u0000native, from ${caller.functionName || '(anonymous)'} ${location(caller)}`
        : functionKey(frame);
    self.set(key, (self.get(key) ?? 0) + ms);
    const where = area(caller && !SPECIAL.test(frame.functionName) ? caller : frame);
    areas.set(where, (areas.get(where) ?? 0) + ms);
    const onStack: string[] = [];
    let nearestPackage: string | undefined;
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const f = nodes.get(at)?.callFrame;
      if (f && isEngine(f)) onStack.push(functionKey(f));
      else if (f && at !== id && f.url.includes('/node_modules/'))
        nearestPackage ??= functionKey(f);
    }
    for (const k of new Set(onStack)) inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    const nearest = onStack[0] ?? nearestPackage;
    if (nearest !== undefined && !isEngine(frame)) {
      const byCaller = callers.get(key) ?? new Map<string, number>();
      byCaller.set(nearest, (byCaller.get(nearest) ?? 0) + ms);
      callers.set(key, byCaller);
    }
  });
  return {
    wallMs: (profile.endTime - profile.startTime) / 1000,
    busyMs,
    samples: profile.samples.length,
    topSelf: ranked(self, busyMs, limit, callers),
    areas: ranked(areas, busyMs, limit),
    topInclusiveSrc: ranked(inclusive, busyMs, limit),
  };
}
