/**
 * Operator commands that read the ledger's database directly:
 *   cascade ledger verify [--genesis FILE] [--database URL]
 *   cascade ledger proof <opId> [--out FILE] [--database URL]
 * The database URL defaults to DATABASE_URL; the genesis (chain id and ledger key) to
 * LEDGER_GENESIS_FILE.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createPolicy, type LedgerPolicy } from '../../domain/policy.ts';
import { verifyChain, type SealedBlock } from '@cascade/chain';
import { importPublicKey, verifySignature } from '@cascade/crypto';
import { createPool, type Pool } from '@cascade/db';
import { EXIT_FAILURE, EXIT_OK, parseArgs, UsageError, type CliCommand, type CliIo } from '@cascade/sdk';
import { blocksFrom, operationById, proofOf } from '../../data-access/reads.ts';
import { PostgresLedgerStore, readBlockRecords } from '../../data-access/store.ts';
import { replayLog, stateDifference } from '../../application/replay.ts';
import type { Genesis } from '../../application/writer.ts';
import { readGenesis } from '../../config.ts';
import { writeDevGenesis } from '../../dev-genesis.ts';

const pageSize = 200;

function databaseOf(flags: Record<string, string | true>): string {
  const url = typeof flags['database'] === 'string' ? flags['database'] : process.env.DATABASE_URL;
  if (!url) throw new UsageError('--database or DATABASE_URL is required');
  return url;
}

async function withPool<T>(url: string, fn: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = createPool({ databaseUrl: url, schema: 'ledger', size: 2 });
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

async function* allBlocks(pool: Pool, io: CliIo): AsyncGenerator<SealedBlock> {
  let from = 0;
  for (;;) {
    const page = await blocksFrom(pool, from, pageSize);
    for (const b of page) yield b;
    if (page.length < pageSize) return;
    from = page.at(-1)!.header.height + 1;
    io.err(`  … verified up to height ${from - 1}`);
  }
}

interface LoggedKey {
  partyId: string;
  alg: string;
  publicKey: string;
  revoked: boolean;
}

/** The operation type as the hashed record says it: the genesis, a fact, or the signed command's type. */
function typeOfRecord(record: { kind: string; body: Record<string, any> }): string {
  if (record.kind === 'genesis') return 'genesis';
  if (record.kind === 'fact') return 'payable.confirmed';
  return String(record.body.type);
}

/**
 * The columns beside each stored record (`type`, `actor`) are not covered by any hash, yet the
 * writer and this verifier read them; each must say what the verified record says.
 */
async function operationColumnsProblem(pool: Pool): Promise<string | null> {
  const { rows } = await pool.query<{ seq: string; type: string; actor: string; record: string }>('SELECT seq, type, actor, record FROM operations ORDER BY seq');
  for (const r of rows) {
    const record = JSON.parse(r.record) as { kind: string; body: Record<string, any> };
    const type = typeOfRecord(record);
    if (r.type !== type) return `operation seq ${r.seq}: the type column says ${r.type}, the hashed record ${type}`;
    const actor = record.kind === 'command' ? String(record.body.actor) : null;
    if (actor !== null && r.actor !== actor) return `operation seq ${r.seq}: the actor column says ${r.actor}, the hashed record ${actor}`;
  }
  return null;
}

/**
 * Who may sign is state derived from the log, and the writer loads it from `party_keys` at start.
 * Once the chain has verified, the keys the log registered and revoked are known for certain; a
 * key row that the log does not explain (inserted, altered, un-revoked) would let a forged
 * signature pass after the next restart, so it is reported here. Operations are selected by the
 * type their hashed record states, never by the unhashed `type` column.
 */
async function keyRegistryProblem(pool: Pool): Promise<string | null> {
  const expected = new Map<string, LoggedKey>();
  const { rows } = await pool.query<{ record: string }>('SELECT record FROM operations ORDER BY seq');
  for (const row of rows) {
    const record = JSON.parse(row.record) as { kind: string; body: Record<string, any> };
    const body = record.body;
    const r = { type: typeOfRecord(record) };
    if (r.type === 'genesis') for (const k of body.operator.publicKeys) expected.set(k.keyId, { partyId: body.operator.partyId, alg: k.alg, publicKey: k.publicKey, revoked: false });
    if (r.type === 'party.register') for (const k of body.payload.publicKeys) expected.set(k.keyId, { partyId: body.payload.partyId, alg: k.alg, publicKey: k.publicKey, revoked: false });
    if (r.type === 'key.add') expected.set(body.payload.key.keyId, { partyId: body.actor, alg: body.payload.key.alg, publicKey: body.payload.key.publicKey, revoked: false });
    if (r.type === 'key.revoke') {
      const k = expected.get(body.payload.keyId);
      if (k) k.revoked = true;
    }
  }
  const stored = await pool.query<{ key_id: string; data: { partyId: string; alg: string; publicKey: string; revokedAt: string | null } }>('SELECT key_id, data FROM party_keys');
  for (const { key_id, data } of stored.rows) {
    const e = expected.get(key_id);
    if (!e) return `key ${key_id} is not registered by any operation`;
    if (e.partyId !== data.partyId || e.alg !== data.alg || e.publicKey !== data.publicKey) return `key ${key_id} differs from its registration`;
    if (e.revoked !== (data.revokedAt !== null)) return `key ${key_id} is ${e.revoked ? 'revoked' : 'active'} in the log but not in the registry`;
    expected.delete(key_id);
  }
  const missing = expected.keys().next();
  return missing.done ? null : `key ${missing.value} registered in the log is missing`;
}

/**
 * Replays the log (checking every signature again) and compares the result with the state
 * tables: the first difference in words, or null.
 */
async function replayProblem(pool: Pool, genesis: Genesis, io: CliIo): Promise<string | null> {
  const store = new PostgresLedgerStore(pool);
  let reported = 0;
  const replay = await replayLog(store, genesis, {
    verifySignatures: true,
    onBlock: (height, ops) => {
      if (ops - reported >= 10_000) {
        reported = ops;
        io.err(`  … replayed ${ops} operations (height ${height})`);
      }
    },
  });
  if (replay.problem) return `replay: at height ${replay.problem.height}${replay.problem.seq ? `, operation seq ${replay.problem.seq}` : ''}: ${replay.problem.reason}`;
  const [state, balances] = await Promise.all([store.loadState(), store.loadBalances()]);
  const difference = stateDifference(replay, { state, balances });
  return difference === null ? null : `the state tables differ from the state the log produces: ${difference}`;
}

export const ledgerVerifyCommand: CliCommand = {
  path: ['ledger', 'verify'],
  summary: 'verify the whole chain in the database; names the first bad height or operation (--replay: also rebuild the state from the log and compare it with the state tables)',
  usage: '[--genesis FILE] [--database URL] [--replay]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { genesis: { type: 'string' }, database: { type: 'string' }, replay: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const genesisFile = typeof flags['genesis'] === 'string' ? flags['genesis'] : process.env.LEDGER_GENESIS_FILE;
    if (!genesisFile) throw new UsageError('--genesis or LEDGER_GENESIS_FILE is required');
    const genesis = readGenesis(genesisFile);
    const key = importPublicKey({ format: 'hex', alg: genesis.ledgerKey.alg, hex: genesis.ledgerKey.publicKey });
    const started = Date.now();
    return withPool(databaseOf(flags), async (pool) => {
      let blocks = 0;
      let operations = 0;
      const problem = await verifyChain({
        chainId: genesis.chainId,
        blocks: allBlocks(pool, io),
        recordsOf: async (block) => {
          blocks += 1;
          const records = await readBlockRecords(pool, block);
          operations += records.length;
          return records;
        },
        checkSignature: (message, sig) => sig.keyId === key.keyId && sig.alg === key.alg && verifySignature(key.alg, key.raw, message, sig.sig),
      });
      // Operations stored after the last sealed block, or never sealed, are not covered by any root.
      const unsealed = await pool.query<{ seq: string }>(
        `SELECT seq FROM operations WHERE block_height IS NULL OR block_height > (SELECT coalesce(max(height), -1) FROM blocks) OR seq > (SELECT coalesce(max(last_seq), 0) FROM blocks) ORDER BY seq LIMIT 1`,
      );
      if (problem) {
        io.err(`FAIL at height ${problem.height}${problem.seq ? `, operation seq ${problem.seq}` : ''}: ${problem.reason}`);
        return EXIT_FAILURE;
      }
      if (unsealed.rows[0]) {
        io.err(`FAIL: operation seq ${unsealed.rows[0].seq} is stored outside every sealed block`);
        return EXIT_FAILURE;
      }
      if (blocks === 0) {
        io.err('FAIL: no genesis block: this database holds no chain');
        return EXIT_FAILURE;
      }
      const columnsProblem = await operationColumnsProblem(pool);
      if (columnsProblem) {
        io.err(`FAIL: ${columnsProblem}`);
        return EXIT_FAILURE;
      }
      const keyProblem = await keyRegistryProblem(pool);
      if (keyProblem) {
        io.err(`FAIL: the key registry differs from the verified log: ${keyProblem}`);
        return EXIT_FAILURE;
      }
      if (flags['replay'] === true) {
        const replayStarted = Date.now();
        const problem = await replayProblem(pool, genesis, io);
        if (problem) {
          io.err(`FAIL: ${problem}`);
          return EXIT_FAILURE;
        }
        io.out(`OK: chain ${genesis.chainId}: ${blocks} blocks, ${operations} operations verified in ${replayStarted - started} ms; replayed, every block's state digest and every state row as the log produces them, in ${Date.now() - replayStarted} ms`);
        return EXIT_OK;
      }
      io.out(`OK: chain ${genesis.chainId}: ${blocks} blocks, ${operations} operations verified in ${Date.now() - started} ms`);
      return EXIT_OK;
    });
  },
};

export const ledgerProofCommand: CliCommand = {
  path: ['ledger', 'proof'],
  summary: 'write the inclusion proof of an operation to a file',
  usage: '<opId> [--out FILE] [--database URL]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { out: { type: 'string' }, database: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('give exactly one operation id');
    const opId = positionals[0]!;
    if (!/^[0-9a-f-]{36}$/.test(opId)) throw new UsageError(`${opId} is not an operation id`);
    return withPool(databaseOf(flags), async (pool) => {
      const op = await operationById(pool, opId);
      if (!op) {
        io.err(`no operation ${opId}`);
        return EXIT_FAILURE;
      }
      const proof = await proofOf(pool, op);
      if (!proof) {
        io.err(`operation ${opId} is not sealed in a block yet`);
        return EXIT_FAILURE;
      }
      const out = typeof flags['out'] === 'string' ? flags['out'] : `proof-${opId}.json`;
      writeFileSync(out, `${JSON.stringify(proof, null, 2)}\n`);
      io.out(`wrote ${out}: operation seq ${op.seq} in block ${proof.block.header.height}`);
      return EXIT_OK;
    });
  },
};

export const ledgerGenesisCommand: CliCommand = {
  path: ['ledger', 'genesis'],
  summary: 'write a genesis with fresh operator, ledger and invoices-service keys into a folder (kept if already there)',
  usage: '--out DIR [--chain-id ID] [--hash sha256|sm3] [--policy FILE]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { out: { type: 'string' }, 'chain-id': { type: 'string' }, hash: { type: 'string' }, policy: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    if (typeof flags['out'] !== 'string') throw new UsageError('--out is required');
    const hash = flags['hash'] ?? 'sha256';
    if (hash !== 'sha256' && hash !== 'sm3') throw new UsageError('--hash must be sha256 or sm3');
    const chainId = typeof flags['chain-id'] === 'string' ? flags['chain-id'] : 'cascade';
    // The policy the chain starts with: the defaults, with what the file (JSON) changes.
    let policy: Partial<LedgerPolicy> = {};
    if (typeof flags['policy'] === 'string') {
      try {
        policy = createPolicy(JSON.parse(readFileSync(flags['policy'], 'utf8')) as Partial<LedgerPolicy>);
      } catch (error) {
        io.err(`--policy ${flags['policy']}: ${(error as Error).message}`);
        return EXIT_FAILURE;
      }
    }
    const dev = writeDevGenesis(flags['out'], { chainId, hashAlg: hash, policy });
    io.out(`genesis ${dev.genesisFile}: chain ${dev.genesis.chainId} (${dev.genesis.hashAlg}), operator key ${dev.operatorKey.keyId}, ledger key ${dev.ledgerKey.keyId}, invoices service key ${dev.invoicesKey.keyId} (${dev.invoicesKeyFile})`);
    return EXIT_OK;
  },
};

export const ledgerCliCommands: readonly CliCommand[] = [ledgerVerifyCommand, ledgerProofCommand, ledgerGenesisCommand];
