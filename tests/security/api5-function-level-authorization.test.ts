import { v7 as uuidv7 } from 'uuid';
import type { Role } from '../../src/events/customer.js';
import type { Api } from '../support/api-harness.js';
import {
  expectProblem,
  fillPath,
  operations,
  signToken,
  startSecuredApi,
  type Operation,
} from './security-fixture.js';

const STAFF: readonly Role[] = ['admin', 'analyst', 'ops'];

/**
 * OWASP API5:2023 Broken Function Level Authorization, over every route the
 * OpenAPI document lists (new routes are covered as they are added), and
 * API9:2023 Improper Inventory Management: no /v1 route is left out of it.
 */
describe('API5 function level authorization', () => {
  let api: Api;
  let ops: Operation[];
  let customerToken: string;
  const tokenOf = new Map<Role, string>();
  beforeAll(async () => {
    api = await startSecuredApi();
    ops = await operations(api);
    const customer = await api.customer();
    customerToken = customer.token;
    // One token per staff role: tokens carry their roles, so each is signed as the server would.
    for (const role of STAFF) tokenOf.set(role, await signToken({ sub: uuidv7(), roles: [role] }));
  });
  afterAll(() => api.stop());

  const call = (op: Operation, token?: string) =>
    api.request(
      op.method,
      fillPath(op.path, () => uuidv7()),
      {
        ...(token ? { token } : {}),
        ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { body: {} }),
      },
    );

  const describeOp = (op: Operation) => `${op.method} ${op.path}`;

  it('finds the staff routes in the OpenAPI document', () => {
    const staff = ops.filter((op) => op.roles?.every((role) => STAFF.includes(role)));
    expect(staff.length).toBeGreaterThanOrEqual(15);
    for (const role of STAFF) expect(staff.some((op) => op.roles?.includes(role))).toBe(true);
  });

  it('answers 401 to an anonymous caller on every route that needs a sign-in', async () => {
    const guarded = ops.filter((op) => !op.anyone);
    expect(guarded.length).toBeGreaterThan(0);
    const answers = await Promise.all(
      guarded.map(async (op) => [describeOp(op), (await call(op)).status] as const),
    );
    expect(answers.filter(([, status]) => status !== 401)).toEqual([]);
    expectProblem(await call(guarded[0]!), 401, 'UNAUTHENTICATED');
  });

  it('answers 403 to a customer on every staff route', async () => {
    const staffOnly = ops.filter((op) => op.roles && !op.roles.includes('customer'));
    const answers = await Promise.all(
      staffOnly.map(
        async (op) => [describeOp(op), (await call(op, customerToken)).status] as const,
      ),
    );
    expect(answers.filter(([, status]) => status !== 403)).toEqual([]);
    expectProblem(await call(staffOnly[0]!, customerToken), 403, 'FORBIDDEN');
  });

  it('answers 403 to each staff role on the routes of the other roles', async () => {
    const refused: string[] = [];
    for (const role of STAFF) {
      const others = ops.filter((op) => op.roles && !op.roles.includes(role));
      for (const op of others) {
        const res = await call(op, tokenOf.get(role));
        if (res.status !== 403) refused.push(`${role}: ${describeOp(op)} -> ${res.status}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('documents every /v1 route the app mounts, so none escapes the checks above', () => {
    interface Layer {
      route?: { path: string; methods: Record<string, boolean> };
      handle?: { stack?: Layer[] };
    }
    const mounted: string[] = [];
    const walk = (stack: Layer[]) => {
      for (const layer of stack) {
        if (layer.route) {
          for (const method of Object.keys(layer.route.methods)) {
            mounted.push(`${method.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
          }
        } else if (layer.handle?.stack) walk(layer.handle.stack);
      }
    };
    walk((api.engine.app as unknown as { router: { stack: Layer[] } }).router.stack);
    const documented = new Set(ops.map(describeOp));
    const v1 = mounted.filter((r) => r.split(' ')[1]?.startsWith('/v1/'));
    expect(v1.length).toBeGreaterThan(20);
    expect(v1.filter((r) => r !== 'GET /v1/openapi.json' && !documented.has(r))).toEqual([]);
  });
});
