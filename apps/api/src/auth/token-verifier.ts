import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Actor, isRole } from '@tally/domain';
import { AppConfig, JwtKeys } from '@tally/platform';
import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { APP_CONFIG } from '../infrastructure/runtime';
import { ID_REGEX } from '../http/validators/count-record.validator';
import { tokenRefused } from './auth.problems';

export const JWT_KEYS = Symbol('JWT_KEYS');

const SUB = /^[A-Za-z0-9._:@-]{1,128}$/;
const MAX_DISTRICTS = 200;
/** Verified tokens remembered (a client sends the same token with every request); the oldest are forgotten. */
const VERIFIED_CACHE_SIZE = 10_000;

interface Verified {
  actor: Actor;
  /** Seconds since the epoch after which the token is refused (its exp plus the allowed clock skew). */
  refuseAfter: number;
}

/** Verifies a bearer token (signature, algorithm whitelist, issuer, audience, expiry with bounded skew) → the actor. */
@Injectable()
export class TokenVerifier {
  private readonly jwt = new JwtService();
  /**
   * Parsed once: given a string, jsonwebtoken tries to parse it as a public key on every verify (and fails, for a
   * secret), which cost about 0.7 ms of CPU per request.
   */
  private readonly key: KeyObject;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JWT_KEYS) private readonly keys: JwtKeys,
  ) {
    this.key =
      keys.algorithm === 'HS256'
        ? createSecretKey(Buffer.from(keys.verifyKey))
        : createPublicKey(keys.verifyKey);
  }

  /**
   * Only tokens that passed every check are remembered, by their full text (signature included), so a cached
   * answer is what verifying again would give, until the token expires: its expiry is checked on every use.
   */
  private readonly verified = new Map<string, Verified>();

  async verify(token: string): Promise<Actor> {
    const known = this.verified.get(token);
    if (known) {
      // As jsonwebtoken decides: expired once the clock (whole seconds) reaches exp + tolerance.
      if (Math.floor(Date.now() / 1000) < known.refuseAfter) return copyOf(known.actor);
      this.verified.delete(token);
    }
    const actor = await this.verifyFully(token);
    this.remember(token, actor);
    return actor;
  }

  private remember(token: string, actor: Actor): void {
    const { exp } = this.jwt.decode<{ exp: number }>(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, { actor: copyOf(actor), refuseAfter: exp + this.config.JWT_CLOCK_SKEW_SECONDS });
  }

  private async verifyFully(token: string): Promise<Actor> {
    let payload: Record<string, unknown>;
    try {
      payload = await this.jwt.verifyAsync<Record<string, unknown>>(token, {
        // jsonwebtoken takes a KeyObject; @nestjs/jwt's types know only strings and buffers.
        ...(this.keys.algorithm === 'HS256'
          ? { secret: this.key as unknown as string }
          : { publicKey: this.key as unknown as string }),
        algorithms: [this.keys.algorithm],
        issuer: this.config.JWT_ISSUER,
        audience: this.config.JWT_AUDIENCE,
        clockTolerance: this.config.JWT_CLOCK_SKEW_SECONDS,
      });
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TokenExpiredError') throw tokenRefused(true, 'The token has expired: get a new one');
      // jsonwebtoken's messages ("invalid signature", "jwt audience invalid…") name no secret and no token.
      const reason = error instanceof Error ? error.message : 'unreadable';
      throw tokenRefused(false, `The token was refused: ${reason}`);
    }
    return actorFromClaims(payload);
  }
}

/** The claims must be exactly what Tally Ledger mints: an expiry, a sub, a known role, districts as ids. */
function actorFromClaims(payload: Record<string, unknown>): Actor {
  const { sub, role, districts, exp } = payload;
  if (typeof exp !== 'number') throw tokenRefused(false, 'The token has no expiry (exp)');
  if (typeof sub !== 'string' || !SUB.test(sub)) throw tokenRefused(false, 'The token has no usable sub');
  if (!isRole(role)) throw tokenRefused(false, 'The token role must be submitter, admin or auditor');
  if (districts === undefined) return { id: sub, role };
  if (
    !Array.isArray(districts) ||
    districts.length > MAX_DISTRICTS ||
    !districts.every((d): d is string => typeof d === 'string' && ID_REGEX.test(d))
  ) {
    throw tokenRefused(false, 'The token districts claim must be a list of district ids');
  }
  return { id: sub, role, districts: [...new Set(districts)] };
}

/** Each request gets an actor of its own, so nothing one request does to it reaches another. */
function copyOf(actor: Actor): Actor {
  return actor.districts ? { ...actor, districts: [...actor.districts] } : { ...actor };
}
