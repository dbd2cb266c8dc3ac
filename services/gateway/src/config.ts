/**
 * The gateway's own settings, read and checked at start with the common ones. Every limit has
 * its unit last; every one has a bound, so no setting can make a request wait forever.
 */
import { readFileSync } from 'node:fs';
import { parse, type Spec } from '@cascade/config';

export const gatewaySettings = {
  genesisFile: { env: 'LEDGER_GENESIS_FILE', doc: "the ledger's genesis (public): the chain id commands must name and the operator's first keys", parse: parse.string },
  ledgerUrl: { env: 'LEDGER_URL', doc: "base URL of the ledger's internal HTTP API", parse: parse.url('http', 'https'), default: 'http://127.0.0.1:3001' },
  invoicesUrl: { env: 'INVOICES_URL', doc: "base URL of the invoices service's internal HTTP API", parse: parse.url('http', 'https'), default: 'http://127.0.0.1:3002' },
  workflowsUrl: { env: 'WORKFLOWS_URL', doc: "base URL of the workflows service's internal HTTP API (webhooks, schedule)", parse: parse.url('http', 'https'), default: 'http://127.0.0.1:3004' },
  riskUrl: { env: 'RISK_URL', doc: "base URL of the risk service's internal HTTP API", parse: parse.url('http', 'https'), default: 'http://127.0.0.1:3003' },
  commandWaitMs: { env: 'GATEWAY_COMMAND_WAIT_MS', doc: "how long a command request waits for the ledger's result before it is answered 202 with an operation URL", parse: parse.int(0, 60_000), default: 10_000 },
  producerLingerMs: { env: 'GATEWAY_PRODUCER_LINGER_MS', doc: 'how long commands accumulate before one produce request carries them all to Kafka', parse: parse.int(0, 100), default: 5 },
  producerBatchSizeMax: { env: 'GATEWAY_PRODUCER_BATCH_SIZE_MAX', doc: 'most commands in one produce request (a full batch goes at once)', parse: parse.int(1, 10_000), default: 500 },
  resultsGroupPrefix: { env: 'GATEWAY_RESULTS_GROUP_PREFIX', doc: 'prefix of the per-process consumer group reading ledger.results (each gateway process reads every result)', parse: parse.string, default: 'gateway-results' },
  liveGroupPrefix: { env: 'GATEWAY_LIVE_GROUP_PREFIX', doc: 'prefix of the per-process consumer group reading ledger.events for the live event streams (each gateway process reads every event, from the latest)', parse: parse.string, default: 'gateway-live' },
  liveStreamsPerTokenMax: { env: 'GATEWAY_LIVE_STREAMS_PER_TOKEN_MAX', doc: 'live event streams (GET /v1/events) one token may hold open in one gateway process; one more is refused 429', parse: parse.int(1, 100), default: 4 },
  liveStreamsPerPartyMax: { env: 'GATEWAY_LIVE_STREAMS_PER_PARTY_MAX', doc: 'live event streams one party may hold open in one gateway process, whatever its tokens (a party can log in for more tokens); one more is refused 429', parse: parse.int(1, 1_000), default: 8 },
  liveStreamsMax: { env: 'GATEWAY_LIVE_STREAMS_MAX', doc: 'live event streams one gateway process holds open at most; one more is refused 503', parse: parse.int(1, 100_000), default: 10_000 },
  registryGroupId: { env: 'GATEWAY_REGISTRY_GROUP', doc: 'consumer group shared by the gateway processes that keep the party and key view from ledger.events', parse: parse.string, default: 'gateway-registry' },
  tokenTtlSecondsDefault: { env: 'GATEWAY_TOKEN_TTL_SECONDS', doc: 'lifetime of a token when the login asks for none', parse: parse.int(60, 31 * 86_400), default: 12 * 3_600 },
  tokenTtlSecondsMax: { env: 'GATEWAY_TOKEN_TTL_SECONDS_MAX', doc: 'longest lifetime a login may ask for', parse: parse.int(60, 366 * 86_400), default: 30 * 86_400 },
  rateLimitPerWindow: { env: 'GATEWAY_RATE_LIMIT', doc: 'requests one token may make per rate-limit window', parse: parse.int(1, 1_000_000), default: 1_200 },
  loginRateLimitPerWindow: { env: 'GATEWAY_LOGIN_RATE_LIMIT', doc: 'logins (and other requests without a token) one client address may make per window', parse: parse.int(1, 1_000_000), default: 60 },
  rateLimitWindowMs: { env: 'GATEWAY_RATE_LIMIT_WINDOW_MS', doc: 'length of the sliding rate-limit window', parse: parse.int(1_000, 3_600_000), default: 60_000 },
  idempotencyTtlSeconds: { env: 'GATEWAY_IDEMPOTENCY_TTL_SECONDS', doc: 'how long an Idempotency-Key and its response are kept', parse: parse.int(60, 7 * 86_400), default: 86_400 },
  redisPrefix: { env: 'GATEWAY_REDIS_PREFIX', doc: "prefix of the gateway's Redis keys (isolates environments sharing a Redis)", parse: parse.string, default: 'gw:' },
  bodyLimitBytes: { env: 'GATEWAY_BODY_LIMIT_BYTES', doc: 'largest request body accepted (a command of the largest transfer fits well below)', parse: parse.int(1_024, 1_000_000), default: 262_144 },
  importBytesMax: { env: 'GATEWAY_IMPORT_BYTES_MAX', doc: 'largest file a streamed import (POST /v1/invoice-imports) may carry; it is streamed through, never held in memory', parse: parse.int(1_024, 4 * 1024 ** 3), default: 1024 ** 3 },
  importTimeoutMs: { env: 'GATEWAY_IMPORT_TIMEOUT_MS', doc: 'how long a streamed import may take, upload and answer', parse: parse.int(1_000, 3_600_000), default: 600_000 },
  upstreamTimeoutMs: { env: 'GATEWAY_UPSTREAM_TIMEOUT_MS', doc: 'how long a call to an internal service may take', parse: parse.int(100, 60_000), default: 5_000 },
  commandAgeMaxMs: { env: 'GATEWAY_COMMAND_AGE_MAX_MS', doc: "oldest createdAt the gateway forwards (the ledger's own bound still applies)", parse: parse.int(60_000, 7 * 86_400_000), default: 24 * 3_600_000 },
  registryCheck: {
    env: 'GATEWAY_REGISTRY_CHECK',
    doc: "'on': a financing.approve is refused (409) while the registry search of the financing is not answered clean (中登网, DESIGN §4); 'off' only by explicit setting",
    parse: parse.oneOf('on', 'off'),
    default: 'on',
  },
  registryWaitMs: { env: 'GATEWAY_REGISTRY_WAIT_MS', doc: 'how long an approval waits for a registry search under way before it is answered registry-search-pending', parse: parse.int(0, 30_000), default: 3_000 },
  responseValidation: { env: 'GATEWAY_RESPONSE_VALIDATION', doc: 'check every response against its route schema before it leaves (tests and staging; a mismatch is a 500 and a log line)', parse: parse.bool, default: false },
} satisfies Spec;

export type GatewayConfig = { [K in keyof typeof gatewaySettings]: ReturnType<(typeof gatewaySettings)[K]['parse']> } & {
  topicPrefix: string;
  internalAuthKey: Buffer;
};

/** What the gateway needs of the ledger's genesis: public facts only. */
export interface GatewayGenesis {
  chainId: string;
  hashAlg: string;
  operator: { partyId: string; name: string; publicKeys: { keyId: string; alg: 'ed25519' | 'sm2'; publicKey: string }[] };
  ledgerKey: { keyId: string; alg: string; publicKey: string };
}

export function readGatewayGenesis(file: string): GatewayGenesis {
  const g = JSON.parse(readFileSync(file, 'utf8')) as Partial<GatewayGenesis>;
  if (typeof g.chainId !== 'string' || !g.operator?.partyId || !Array.isArray(g.operator.publicKeys) || !g.ledgerKey?.publicKey) {
    throw new Error(`${file} is not a ledger genesis (chainId, operator, ledgerKey)`);
  }
  return g as GatewayGenesis;
}
