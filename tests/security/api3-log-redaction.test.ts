import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { SqliteEventStore } from '../../src/stores/sqlite/sqlite-event-store.js';

interface Running {
  readonly base: string;
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  stop(): Promise<void>;
}

/** The real server (src/main.ts) as a child process, with everything it writes kept. */
async function startCapturedServer(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/main.ts')], {
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'trace',
      ADMIN_EMAIL: '',
      ADMIN_PASSWORD: '',
      JWT_SECRET: '',
      PAYMENT_TIMEOUT_MS: '300',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('commerce engine listening'));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
    void exited.then(() => reject(new Error(`server exited before listening:\n${err}`)));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    child,
    stdout: () => out,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * OWASP API3:2023 (sensitive data) in the logs: the real server, logging at
 * trace level, never writes a password (right or wrong), a hash, the signing
 * secret or an access token; the generated staff password is shown once, on
 * stderr, at the first start only.
 */
describe('API3 sensitive data in logs', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-logs-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps passwords, hashes, the secret and tokens out of every log line', async () => {
    const server = await startCapturedServer(dataDir);
    const secrets = new Map<string, string>();
    try {
      const call = async (method: string, url: string, body?: unknown, token?: string) => {
        const res = await fetch(`${server.base}${url}`, {
          method,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          ...(body === undefined
            ? {}
            : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        });
        return {
          status: res.status,
          body: (await res.json().catch(() => ({}))) as Record<string, unknown>,
        };
      };
      const email = `logs-${uuidv7()}@example.com`;
      const password = `Right-${uuidv7()}`;
      const wrong = `Wrong-${uuidv7()}`;
      secrets.set('right password', password);
      secrets.set('wrong password', wrong);
      expect(
        (await call('POST', '/v1/auth/register', { email, password, name: 'Logged' })).status,
      ).toBe(201);
      const login = await call('POST', '/v1/auth/login', { email, password });
      expect(login.status).toBe(200);
      const token = String(login.body.accessToken);
      secrets.set('access token', token);
      expect((await call('POST', '/v1/auth/login', { email, password: wrong })).status).toBe(401);
      expect(
        (await call('POST', '/v1/auth/login', { email: `x${email}`, password: wrong })).status,
      ).toBe(401);
      const adminPassword = fs.readFileSync(path.join(dataDir, 'admin-password'), 'utf8').trim();
      const staff = await call('POST', '/v1/auth/login', {
        email: 'admin@commerce.local',
        password: adminPassword,
      });
      expect(staff.status).toBe(200);
      secrets.set('staff token', String(staff.body.accessToken));
      // Failing requests that carry the passwords.
      expect(
        (await call('POST', '/v1/auth/register', { email: 'bad', password, name: 'x' })).status,
      ).toBe(400);
      expect(
        (await call('POST', '/v1/auth/register', `{"email":"${email}","password":"${password}"`))
          .status,
      ).toBe(400);
      expect(
        (await call('POST', '/v1/auth/login', { email, password: { $ne: wrong } })).status,
      ).toBe(400);
      expect(
        (await call('POST', '/v1/auth/register', { email, password, name: 'Again' })).status,
      ).toBe(409);
      expect((await call('GET', '/v1/me', undefined, `${token}x`)).status).toBe(401);
      expect((await call('GET', '/v1/me', undefined, token)).status).toBe(200);
      expect((await call('GET', '/v1/inventory/x', undefined, token)).status).toBe(403);
      expect((await call('GET', '/v1/nothing')).status).toBe(404);
    } finally {
      await server.stop();
    }

    secrets.set('JWT secret', fs.readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8').trim());
    const adminPassword = fs.readFileSync(path.join(dataDir, 'admin-password'), 'utf8').trim();
    secrets.set('staff password', adminPassword);
    const store = await SqliteEventStore.open({ dataDir });
    try {
      for (const event of await store.readAll({ limit: 10_000 })) {
        if (event.type !== 'PasswordSet') continue;
        const hash = String((event.data as { passwordHash: string }).passwordHash);
        secrets.set(`hash of ${event.streamId}`, hash);
        secrets.set(`salt of ${event.streamId}`, String(hash.split('$')[4]));
        secrets.set(`key of ${event.streamId}`, String(hash.split('$')[5]));
      }
    } finally {
      await store.close();
    }
    expect(secrets.size).toBeGreaterThanOrEqual(12);
    secrets.set('scrypt marker', 'scrypt$');

    const stdout = server.stdout().split('\n').filter(Boolean);
    // The requests above were logged: the log is there to be searched.
    expect(stdout.filter((l) => l.includes('request completed')).length).toBeGreaterThanOrEqual(12);
    const findings: string[] = [];
    for (const line of stdout) {
      for (const [name, secret] of secrets)
        if (line.includes(secret)) findings.push(`stdout: ${name}: ${line.slice(0, 200)}`);
    }
    const stderr = server.stderr().split('\n').filter(Boolean);
    for (const line of stderr) {
      for (const [name, secret] of secrets) {
        const banner =
          name === 'staff password' &&
          line.startsWith('Staff account created: admin@commerce.local / ');
        if (line.includes(secret) && !banner)
          findings.push(`stderr: ${name}: ${line.slice(0, 200)}`);
      }
    }
    expect(findings).toEqual([]);
    // Shown once, at the first start.
    expect(stderr.filter((l) => l.includes(adminPassword))).toHaveLength(1);

    const again = await startCapturedServer(dataDir);
    await again.stop();
    expect(`${again.stdout()}${again.stderr()}`).not.toContain(adminPassword);
  }, 120_000);
});
