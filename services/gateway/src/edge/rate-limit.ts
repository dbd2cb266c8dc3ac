/**
 * Rate limits in Redis, shared by every gateway process: a sliding window per bearer token (and
 * per client address for requests without one, such as logins). The window is approximated the
 * usual way, from this fixed window's count and the previous one's weighted by how much of it the
 * sliding window still covers. Every answer carries the IETF RateLimit-Policy and RateLimit
 * headers (draft-ietf-httpapi-ratelimit-headers); a refusal is a 429 problem with Retry-After.
 */
import type { FastifyReply } from 'fastify';
import { Problem, commonProblems } from '@cascade/errors';
import type { GatewayRedis } from './redis-scripts.ts';

export interface RateLimitVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export class RateLimiter {
  constructor(
    private readonly redis: GatewayRedis,
    private readonly prefix: string,
    private readonly windowMs: number,
  ) {}

  async take(subject: string, limit: number, now = Date.now()): Promise<RateLimitVerdict> {
    const window = Math.floor(now / this.windowMs);
    const elapsed = now - window * this.windowMs;
    const [allowed, countMille] = await this.redis.gwSlidingWindow(`${this.prefix}rl:${subject}:${window}`, `${this.prefix}rl:${subject}:${window - 1}`, limit, this.windowMs, elapsed);
    const used = Math.ceil(countMille / 1000);
    return { allowed: allowed === 1, limit, remaining: Math.max(0, limit - used), resetSeconds: Math.max(1, Math.ceil((this.windowMs - elapsed) / 1000)) };
  }

  /** Sets the headers and throws the 429 problem when the request is over the limit. */
  apply(reply: FastifyReply, verdict: RateLimitVerdict, policy: string): void {
    void reply.header('RateLimit-Policy', `"${policy}";q=${verdict.limit};w=${Math.round(this.windowMs / 1000)}`);
    void reply.header('RateLimit', `"${policy}";r=${verdict.remaining};t=${verdict.resetSeconds}`);
    if (!verdict.allowed) {
      void reply.header('Retry-After', String(verdict.resetSeconds));
      throw new Problem(commonProblems.rateLimited, `at most ${verdict.limit} requests per ${Math.round(this.windowMs / 1000)} s for this ${policy}; retry in ${verdict.resetSeconds} s`);
    }
  }
}
