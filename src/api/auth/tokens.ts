import { jwtVerify, SignJWT, errors } from 'jose';
import { LruCache } from '../../commands/lru-cache.js';
import { roles, type Role } from '../../events/customer.js';
import type { Principal } from './principal.js';

const ISSUER = 'commerce-engine';
const ALGORITHM = 'HS256';

/** Signed, expiring access tokens (HS256). Only HS256 is accepted when verifying. */
export class AccessTokens {
  private readonly key: Uint8Array;
  /** Tokens already verified, with their expiry: a repeat costs a lookup, not an HMAC. */
  private readonly verified = new LruCache<string, { principal: Principal; expiresAt: number }>(
    10_000,
  );

  constructor(
    secret: string,
    readonly expiresInSeconds = 3600,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  issue(principal: Principal): Promise<string> {
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    return new SignJWT({ roles: [...principal.roles] })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(principal.id)
      .setIssuer(ISSUER)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.expiresInSeconds)
      .sign(this.key);
  }

  /** The principal, or undefined for a token that is malformed, forged or expired. */
  async verify(token: string): Promise<Principal | undefined> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt > this.now().getTime()) return known.principal;
      this.verified.delete(token);
      return undefined;
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        currentDate: this.now(),
        requiredClaims: ['sub', 'exp'],
      });
      const claimed = Array.isArray(payload.roles) ? payload.roles : [];
      const valid = claimed.filter((r): r is Role => roles.includes(r as Role));
      if (!payload.sub || payload.exp === undefined) return undefined;
      const principal: Principal = { id: payload.sub, roles: valid };
      this.verified.set(token, { principal, expiresAt: payload.exp * 1000 });
      return principal;
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError) return undefined;
      throw error;
    }
  }
}
