/**
 * The gateway's Redis state, each piece one atomic Lua script so that any number of gateway
 * processes sharing a Redis agree: idempotency records, command nonces, and sliding-window
 * rate limits. Keys carry the configured prefix.
 */
import type { Redis } from 'ioredis';

/**
 * Claim an idempotency key: KEYS[1] record; ARGV request hash, owner, now ms, lease ms, ttl ms.
 * Returns {'claimed'} | {'mismatch'} | {'done', status, headers, body} | {'pending'}.
 * A pending record whose lease ran out (its owner died) is taken over. `onNew` runs before a new
 * record is written, and may return instead.
 */
const claimScript = (onNew: string) => `
local r = redis.call('HMGET', KEYS[1], 'h', 's', 'lease', 'code', 'hdr', 'body')
if not r[1] then${onNew}
  redis.call('HSET', KEYS[1], 'h', ARGV[1], 's', 'pending', 'o', ARGV[2], 'lease', tonumber(ARGV[3]) + tonumber(ARGV[4]))
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return {'claimed'}
end
if r[1] ~= ARGV[1] then return {'mismatch'} end
if r[2] == 'done' then return {'done', r[4], r[5], r[6]} end
if tonumber(r[3]) < tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'o', ARGV[2], 'lease', tonumber(ARGV[3]) + tonumber(ARGV[4]))
  return {'claimed'}
end
return {'pending'}
`;

const claimIdempotency = claimScript('');

/**
 * A signed command's Idempotency-Key and its nonce, claimed together once its signatures verified:
 * KEYS[1] idempotency record, KEYS[2] nonce; ARGV as claimIdempotency's, then the nonce scope
 * (party + idempotency key) and the nonce's ttl ms. A new claim also takes the nonce, or returns
 * {'nonceUsed'} (writing nothing) when another request took it first.
 */
const claimCommand = claimScript(`
  local v = redis.call('GET', KEYS[2])
  if v and v ~= ARGV[6] then return {'nonceUsed'} end
  if not v then redis.call('SET', KEYS[2], ARGV[6], 'PX', ARGV[7]) end`);

/** Store the response of a claimed key: KEYS[1]; ARGV owner, status, headers JSON, body, ttl ms. */
const completeIdempotency = `
if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 's', 'done', 'code', ARGV[2], 'hdr', ARGV[3], 'body', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`;

/** Give a claimed key up (the request failed for a transient reason): KEYS[1]; ARGV owner. */
const releaseIdempotency = `
if redis.call('HGET', KEYS[1], 'o') == ARGV[1] and redis.call('HGET', KEYS[1], 's') == 'pending' then redis.call('DEL', KEYS[1]) return 1 end
return 0
`;

/**
 * Sliding-window counter: KEYS[1] this window's count, KEYS[2] the previous window's; ARGV limit,
 * window ms, ms elapsed in this window. The previous window counts in proportion to how much of it
 * the sliding window still covers. Returns {allowed 0|1, count after this request (per mille)}.
 */
const slidingWindow = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local elapsed = tonumber(ARGV[3])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local prev = tonumber(redis.call('GET', KEYS[2]) or '0')
local estimate = prev * (window - elapsed) / window + cur
if estimate + 1 > limit then return {0, math.floor(estimate * 1000)} end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], window * 2)
return {1, math.floor((estimate + 1) * 1000)}
`;

export interface GatewayRedis extends Redis {
  gwClaimIdempotency(key: string, hash: string, owner: string, nowMs: number, leaseMs: number, ttlMs: number): Promise<string[]>;
  gwClaimCommand(record: string, nonce: string, hash: string, owner: string, nowMs: number, leaseMs: number, ttlMs: number, scope: string, nonceTtlMs: number): Promise<string[]>;
  gwCompleteIdempotency(key: string, owner: string, status: number, headers: string, body: string, ttlMs: number): Promise<number>;
  gwReleaseIdempotency(key: string, owner: string): Promise<number>;
  gwSlidingWindow(current: string, previous: string, limit: number, windowMs: number, elapsedMs: number): Promise<[number, number]>;
}

export function withGatewayScripts(redis: Redis): GatewayRedis {
  const r = redis as GatewayRedis;
  if (typeof r.gwClaimIdempotency === 'function') return r;
  r.defineCommand('gwClaimIdempotency', { numberOfKeys: 1, lua: claimIdempotency });
  r.defineCommand('gwClaimCommand', { numberOfKeys: 2, lua: claimCommand });
  r.defineCommand('gwCompleteIdempotency', { numberOfKeys: 1, lua: completeIdempotency });
  r.defineCommand('gwReleaseIdempotency', { numberOfKeys: 1, lua: releaseIdempotency });
  r.defineCommand('gwSlidingWindow', { numberOfKeys: 2, lua: slidingWindow });
  return r;
}
