import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { loadConfig } from '../../src/config.js';
import { startEngine, type Engine, type EngineOverrides } from '../../src/engine.js';

export const ADMIN = { email: 'admin@test.local', password: 'admin-password-1' };
/**
 * How long queries wait for X-Min-Position in tests (5 s in production): short,
 * so a wait that times out fails fast, yet far above a read model's usual lag.
 */
export const TEST_CONSISTENCY_WAIT_MS = 1000;

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly token?: string;
  readonly headers?: Record<string, string>;
  /** Sent as-is instead of JSON-encoding `body`. */
  readonly raw?: string;
}

/** The real engine (embedded stores in a temp dir) behind a real HTTP server. */
export async function startApi(
  options: { env?: Record<string, string>; overrides?: EngineOverrides; logger?: Logger } = {},
) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-api-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    PAYMENT_TIMEOUT_MS: '300',
    ...options.env,
  });
  const engine: Engine = await startEngine(config, options.logger ?? pino({ level: 'silent' }), {
    consistencyWaitMs: TEST_CONSISTENCY_WAIT_MS,
    ...options.overrides,
  });
  const server = engine.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function request<T = Record<string, unknown>>(
    method: string,
    url: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.raw;
    if (body === undefined && options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${base}${url}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  async function login(email: string, password: string): Promise<string> {
    const res = await request<{ accessToken: string }>('POST', '/v1/auth/login', {
      body: { email, password },
    });
    if (res.status !== 200)
      throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken;
  }

  return {
    base,
    engine,
    dataDir,
    request,
    login,
    adminToken: () => login(ADMIN.email, ADMIN.password),
    /** Registers and signs in a new customer. */
    async customer(name = 'Customer') {
      const email = `c-${uuidv7()}@example.com`;
      const res = await request<{ customerId: string }>('POST', '/v1/auth/register', {
        body: { email, password: 'password-123', name },
      });
      if (res.status !== 201)
        throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { customerId: res.body.customerId, email, token: await login(email, 'password-123') };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type Api = Awaited<ReturnType<typeof startApi>>;
