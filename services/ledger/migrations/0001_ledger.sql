-- Up Migration

-- The log: every committed operation, in commit order. `record` is the canonical JSON (RFC 8785)
-- of the operation exactly as sealed into a block; `leaf_hash` is its Merkle leaf hash.
CREATE TABLE operations (
  seq bigint PRIMARY KEY,
  op_id uuid NOT NULL UNIQUE,
  kind text NOT NULL,             -- 'command', 'fact' (payable confirmed) or 'genesis'
  type text NOT NULL,
  actor text NOT NULL,
  nonce text NOT NULL,
  root_id uuid,
  record text NOT NULL,
  leaf_hash text NOT NULL,
  block_height bigint,
  committed_at timestamptz NOT NULL,
  UNIQUE (actor, nonce)
);
CREATE INDEX operations_root ON operations (root_id, seq) WHERE root_id IS NOT NULL;

-- The result of every command the ledger decided, accepted or refused, so a command submitted
-- again (same actor and nonce) gets its original result back instead of a second effect.
-- `command_hash` is the hash of the canonical command: reusing a nonce for a different command
-- is a conflict, not a replay.
CREATE TABLE command_results (
  actor text NOT NULL,
  nonce text NOT NULL,
  command_hash text NOT NULL,
  accepted boolean NOT NULL,
  result text NOT NULL,
  op_seq bigint,
  decided_at timestamptz NOT NULL,
  PRIMARY KEY (actor, nonce)
);

CREATE TABLE blocks (
  height bigint PRIMARY KEY,
  hash text NOT NULL UNIQUE,
  header text NOT NULL,
  signature text NOT NULL,
  first_seq bigint NOT NULL,
  last_seq bigint NOT NULL
);

-- State, derived from the log by the domain's evolve: one row per entity, the entity as JSON.
CREATE TABLE parties (party_id text PRIMARY KEY, data jsonb NOT NULL);
CREATE TABLE party_keys (key_id text PRIMARY KEY, party_id text NOT NULL, data jsonb NOT NULL);
CREATE TABLE payables (payable_id text PRIMARY KEY, data jsonb NOT NULL);
CREATE TABLE credit_lines (funder text NOT NULL, issuer text NOT NULL, data jsonb NOT NULL, PRIMARY KEY (funder, issuer));
CREATE TABLE vouchers (
  voucher_id uuid PRIMARY KEY,
  root_id uuid NOT NULL,
  parent_id uuid,
  issuer text NOT NULL,
  holder text NOT NULL,
  status text NOT NULL,
  amount numeric(17, 2) NOT NULL,
  maturity_date date NOT NULL,
  created_seq bigint NOT NULL,
  data jsonb NOT NULL
);
CREATE INDEX vouchers_root ON vouchers (root_id);
CREATE INDEX vouchers_holder ON vouchers (holder, voucher_id);
CREATE INDEX vouchers_issuer ON vouchers (issuer, voucher_id);

-- Which operations touched which voucher, for a voucher's history.
CREATE TABLE voucher_operations (voucher_id uuid NOT NULL, seq bigint NOT NULL, PRIMARY KEY (voucher_id, seq));

-- Double-entry postings: every operation's postings sum to zero per currency.
CREATE TABLE postings (
  seq bigint NOT NULL,
  idx int NOT NULL,
  account text NOT NULL,
  currency text NOT NULL,
  amount numeric(18, 2) NOT NULL,
  PRIMARY KEY (seq, idx)
);
CREATE TABLE balances (
  account text NOT NULL,
  currency text NOT NULL,
  amount numeric(18, 2) NOT NULL,
  PRIMARY KEY (account, currency)
);

-- Down Migration
DROP TABLE balances, postings, voucher_operations, vouchers, credit_lines, payables, party_keys, parties, blocks, command_results, operations;
