import path from 'node:path';
import { z } from 'zod';

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  EVENTSTORE_URL: z
    .string()
    .regex(/^(kurrentdb|esdb|kdb)(\+discover)?:\/\//, 'must start with kurrentdb:// or esdb://')
    .optional(),
  MONGODB_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  PAYMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  GATEWAY_LATENCY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
  RESERVATION_TTL_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(15 * 60_000),
  READ_CACHE_MIB: z.coerce.number().int().min(2).max(1_048_576).default(512),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  readonly port: number;
  readonly dataDir: string;
  readonly eventStoreUrl: string | undefined;
  readonly mongoUrl: string | undefined;
  readonly adminEmail: string | undefined;
  readonly adminPassword: string | undefined;
  readonly jwtSecret: string | undefined;
  readonly paymentTimeoutMs: number;
  readonly reservationTtlMs: number;
  /** Simulated card processor: how long each capture takes. */
  readonly gatewayLatencyMs: number;
  /** Embedded read store: the most page cache each of its connections keeps, in MiB. */
  readonly readCacheMiB: number;
  readonly logLevel: z.infer<typeof schema>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads the configuration from the environment; empty values count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(present);
  if (present.ADMIN_EMAIL !== undefined && present.ADMIN_PASSWORD === undefined) {
    throw new ConfigError('Invalid configuration: ADMIN_PASSWORD must be set with ADMIN_EMAIL');
  }
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    dataDir: path.resolve(c.DATA_DIR),
    eventStoreUrl: c.EVENTSTORE_URL,
    mongoUrl: c.MONGODB_URL,
    adminEmail: c.ADMIN_EMAIL,
    adminPassword: c.ADMIN_PASSWORD,
    jwtSecret: c.JWT_SECRET,
    paymentTimeoutMs: c.PAYMENT_TIMEOUT_MS,
    reservationTtlMs: c.RESERVATION_TTL_MS,
    gatewayLatencyMs: c.GATEWAY_LATENCY_MS,
    readCacheMiB: c.READ_CACHE_MIB,
    logLevel: c.LOG_LEVEL,
  };
}
