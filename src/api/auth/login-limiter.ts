import type { RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { AppError } from '../../errors.js';

/**
 * Counts failed logins per account and client, and per account overall; a
 * successful login clears the client's count. Only failures count, so
 * ordinary use is never throttled.
 */
export class LoginLimiter {
  private readonly perClient = new RateLimiterMemory({ points: 10, duration: 15 * 60 });
  private readonly perAccount = new RateLimiterMemory({ points: 100, duration: 15 * 60 });

  async check(email: string, client: string): Promise<void> {
    const [byClient, byAccount] = await Promise.all([
      this.perClient.get(`${email}|${client}`),
      this.perAccount.get(email),
    ]);
    if (blocked(byClient, 10) || blocked(byAccount, 100)) {
      throw new AppError('RATE_LIMITED', 'Too many failed logins; try again later');
    }
  }

  async failed(email: string, client: string): Promise<void> {
    await Promise.all([
      this.perClient.penalty(`${email}|${client}`, 1),
      this.perAccount.penalty(email, 1),
    ]);
  }

  async succeeded(email: string, client: string): Promise<void> {
    await this.perClient.delete(`${email}|${client}`);
  }
}

const blocked = (res: RateLimiterRes | null, limit: number) => (res?.consumedPoints ?? 0) >= limit;
