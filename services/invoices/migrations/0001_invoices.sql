-- Up Migration

-- The parties and keys the ledger registered, as its events on ledger.events say (event-carried
-- state: the invoices service never reads the ledger's tables).
CREATE TABLE parties (
  party_id text PRIMARY KEY,
  uscc text,
  name text NOT NULL,
  roles text[] NOT NULL,
  registered_at timestamptz NOT NULL
);

CREATE TABLE party_keys (
  key_id text PRIMARY KEY,
  party_id text NOT NULL,
  alg text NOT NULL CHECK (alg IN ('ed25519', 'sm2')),
  public_key text NOT NULL,
  added_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX party_keys_party ON party_keys (party_id);

-- Contracts (商流). Lines: [{item, quantity, unit}], quantities as decimal strings.
CREATE TABLE contracts (
  contract_id uuid PRIMARY KEY,
  contract_number text NOT NULL,
  buyer text NOT NULL,
  seller text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  signed_on date NOT NULL,
  valid_until date CHECK (valid_until IS NULL OR valid_until >= signed_on),
  document_hash text NOT NULL,
  lines jsonb NOT NULL,
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL,
  CONSTRAINT contracts_number_unique UNIQUE (seller, buyer, contract_number)
);
CREATE INDEX contracts_buyer ON contracts (buyer, contract_id);
CREATE INDEX contracts_seller ON contracts (seller, contract_id);

-- Invoices (信息流). invoice_key is '<code>-<number>' for the classic form and the 20 digits of
-- a fully digital invoice; its unique constraint is what refuses a second registration of the same
-- invoice by anyone, also under concurrent registration (no check-then-insert).
-- Usage (一票一融), in fen: committed = taken by confirmed payables; used, financed, settled =
-- what the ledger issued, financed and settled against them (docs/invoices.md, usage).
CREATE TABLE invoices (
  invoice_id uuid PRIMARY KEY,
  invoice_key text NOT NULL,
  form text NOT NULL CHECK (form IN ('classic', 'digital')),
  code text,
  number text NOT NULL,
  seller text NOT NULL,
  buyer text NOT NULL,
  amount_excl_tax_fen bigint NOT NULL CHECK (amount_excl_tax_fen > 0),
  tax_fen bigint NOT NULL CHECK (tax_fen >= 0),
  total_fen bigint NOT NULL,
  issued_on date NOT NULL,
  document_hash text NOT NULL,
  contract_id uuid REFERENCES contracts,
  verification text NOT NULL DEFAULT 'unverified' CHECK (verification IN ('unverified', 'verified', 'mismatch', 'void', 'reversed')),
  verification_details jsonb NOT NULL DEFAULT '[]',
  verified_at timestamptz,
  committed_fen bigint NOT NULL DEFAULT 0,
  used_fen bigint NOT NULL DEFAULT 0,
  financed_fen bigint NOT NULL DEFAULT 0,
  settled_fen bigint NOT NULL DEFAULT 0,
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL,
  CONSTRAINT invoices_key_unique UNIQUE (invoice_key),
  CONSTRAINT invoices_total_is_sum CHECK (total_fen = amount_excl_tax_fen + tax_fen),
  -- The last line of defence of 一票一融: no invoice is ever taken or used beyond its total.
  CONSTRAINT invoices_usage_within_total CHECK (
    0 <= used_fen AND used_fen <= committed_fen AND committed_fen <= total_fen
    AND 0 <= financed_fen AND financed_fen <= total_fen
    AND 0 <= settled_fen AND settled_fen <= total_fen
  )
);
CREATE INDEX invoices_buyer ON invoices (buyer, invoice_id);
CREATE INDEX invoices_seller ON invoices (seller, invoice_id);
CREATE INDEX invoices_contract ON invoices (contract_id) WHERE contract_id IS NOT NULL;

-- Deliveries and receipts (物流) under a contract.
CREATE TABLE deliveries (
  delivery_id uuid PRIMARY KEY,
  contract_id uuid NOT NULL REFERENCES contracts,
  delivery_number text NOT NULL,
  shipped_on date NOT NULL,
  received_on date CHECK (received_on IS NULL OR received_on >= shipped_on),
  receiver text,
  lines jsonb NOT NULL,
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL,
  CONSTRAINT deliveries_number_unique UNIQUE (contract_id, delivery_number)
);

-- Payment records (资金流). A bank reference is the payer's: unique per payer.
CREATE TABLE payments (
  payment_id uuid PRIMARY KEY,
  payer text NOT NULL,
  payee text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  paid_on date NOT NULL,
  bank_reference text NOT NULL,
  invoice_id uuid REFERENCES invoices,
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL,
  CONSTRAINT payments_reference_unique UNIQUE (payer, bank_reference)
);
CREATE INDEX payments_payer ON payments (payer, paid_on);
CREATE INDEX payments_payee ON payments (payee, paid_on);

-- Payables confirmed here (signed by the debtor), with the four-flow result they were confirmed
-- with. status: confirmed (fact published), recorded (the ledger recorded it), refused (the
-- ledger refused it: its invoices are released). (actor, nonce) is the command's idempotency key.
CREATE TABLE payables (
  payable_id text PRIMARY KEY,
  debtor text NOT NULL,
  creditor text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  due_date date NOT NULL,
  status text NOT NULL CHECK (status IN ('confirmed', 'recorded', 'refused')),
  four_flow_score int NOT NULL CHECK (four_flow_score BETWEEN 0 AND 100),
  four_flow jsonb NOT NULL,
  issued_fen bigint NOT NULL DEFAULT 0 CHECK (issued_fen >= 0),
  financed_fen bigint NOT NULL DEFAULT 0 CHECK (financed_fen >= 0),
  settled_fen bigint NOT NULL DEFAULT 0 CHECK (settled_fen >= 0),
  actor text NOT NULL,
  nonce text NOT NULL,
  command_hash text NOT NULL,
  command jsonb NOT NULL,
  signatures jsonb NOT NULL,
  confirmed_at timestamptz NOT NULL,
  decided_at timestamptz,
  refusal jsonb,
  CONSTRAINT payables_nonce_unique UNIQUE (actor, nonce)
);
CREATE INDEX payables_debtor ON payables (debtor, payable_id);
CREATE INDEX payables_creditor ON payables (creditor, payable_id);

-- What each payable takes from each invoice, in the order the confirmation listed them (usage
-- fills the invoices in this order).
CREATE TABLE payable_invoices (
  payable_id text NOT NULL REFERENCES payables,
  position int NOT NULL,
  invoice_id uuid NOT NULL REFERENCES invoices,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  PRIMARY KEY (payable_id, position),
  CONSTRAINT payable_invoices_once UNIQUE (payable_id, invoice_id)
);
CREATE INDEX payable_invoices_invoice ON payable_invoices (invoice_id);

-- Root vouchers the ledger issued against payables: backing [{payableId, amountFen}] and what of
-- them was financed and settled, for spreading those over the payables.
CREATE TABLE roots (
  root_id uuid PRIMARY KEY,
  backing jsonb NOT NULL,
  live boolean NOT NULL,
  financed_fen bigint NOT NULL DEFAULT 0,
  settled_fen bigint NOT NULL DEFAULT 0
);

-- The tax authority's latest word per invoice key, from the provider's result files; kept even
-- for invoices not registered yet, so their status is known the moment they are.
CREATE TABLE tax_records (
  invoice_key text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('normal', 'void', 'reversed', 'notFound')),
  record jsonb NOT NULL,
  checked_at timestamptz NOT NULL,
  source text NOT NULL,
  received_at timestamptz NOT NULL
);

-- Result files applied, by content hash, so a file delivered twice is applied once.
CREATE TABLE verification_files (
  sha256 text PRIMARY KEY,
  name text NOT NULL,
  records int NOT NULL,
  refused int NOT NULL,
  applied_at timestamptz NOT NULL
);

-- Messages from the ledger the service could not use (unreadable, or failing while applied),
-- parked with the reason instead of being retried forever or dropped with only a log line.
CREATE TABLE dead_letters (
  id bigserial PRIMARY KEY,
  reason text NOT NULL,
  detail text NOT NULL,
  topic text NOT NULL,
  partition int NOT NULL,
  "offset" text NOT NULL,
  sha256 text NOT NULL,
  value_base64 text NOT NULL,
  at timestamptz NOT NULL
);

-- Down Migration
DROP TABLE dead_letters;
DROP TABLE verification_files;
DROP TABLE tax_records;
DROP TABLE roots;
DROP TABLE payable_invoices;
DROP TABLE payables;
DROP TABLE payments;
DROP TABLE deliveries;
DROP TABLE invoices;
DROP TABLE contracts;
DROP TABLE party_keys;
DROP TABLE parties;
