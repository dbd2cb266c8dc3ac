-- Up Migration
-- The risk service's own view of the platform, kept from the ledger's and the invoices
-- service's events (event-carried state), plus what it owns: ingested enterprise records,
-- scorecards, products, assessments and alerts. Amounts are bigint fen.

CREATE TABLE parties (
  party_id text PRIMARY KEY,
  uscc text,
  name text NOT NULL,
  roles text[] NOT NULL,
  registered_at timestamptz NOT NULL
);

CREATE TABLE credit_lines (
  funder text NOT NULL,
  issuer text NOT NULL,
  limit_fen bigint NOT NULL,
  PRIMARY KEY (funder, issuer)
);
CREATE INDEX credit_lines_issuer ON credit_lines (issuer) WHERE limit_fen > 0;

-- One row per voucher tree: what settlement and overdue handling did to it.
CREATE TABLE trees (
  root_id uuid PRIMARY KEY,
  issuer text NOT NULL,
  amount_fen bigint NOT NULL,
  maturity_date date NOT NULL,
  issued_at timestamptz NOT NULL,
  settled_at timestamptz,
  paid_on_time boolean,
  went_overdue boolean NOT NULL DEFAULT false,
  overdue_outstanding_fen bigint NOT NULL DEFAULT 0
);
CREATE INDEX trees_issuer ON trees (issuer);

CREATE TABLE tree_backing (
  root_id uuid NOT NULL,
  payable_id text NOT NULL,
  PRIMARY KEY (root_id, payable_id)
);

CREATE TABLE vouchers (
  voucher_id uuid PRIMARY KEY,
  root_id uuid NOT NULL,
  parent_id uuid,
  issuer text NOT NULL,
  -- The party it was offered to; `holder` moves to the funder when it is financed.
  recipient text NOT NULL,
  holder text NOT NULL,
  sender text NOT NULL,
  amount_fen bigint NOT NULL,
  outstanding_fen bigint NOT NULL,
  maturity_date date NOT NULL,
  tier integer NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL,
  accepted_at timestamptz,
  request_funder text,
  request_product text,
  requested_at timestamptz,
  financed_funder text,
  financed_product text,
  financed_on date,
  financed_seller text
);
CREATE INDEX vouchers_root ON vouchers (root_id);
CREATE INDEX vouchers_financed ON vouchers (financed_funder, issuer) WHERE financed_funder IS NOT NULL;
CREATE INDEX vouchers_financed_product ON vouchers (financed_funder, financed_product, financed_on) WHERE financed_funder IS NOT NULL;
CREATE INDEX vouchers_requested ON vouchers (request_funder, request_product) WHERE status = 'pending_financing';
CREATE INDEX vouchers_seller ON vouchers (financed_seller) WHERE financed_seller IS NOT NULL;

-- The transfer graph: one edge per accepted voucher whose sender is not its recipient.
CREATE TABLE transfers (
  voucher_id uuid PRIMARY KEY,
  sender text NOT NULL,
  recipient text NOT NULL,
  issuer text NOT NULL,
  amount_fen bigint NOT NULL,
  accepted_at timestamptz NOT NULL
);
CREATE INDEX transfers_sender ON transfers (sender, accepted_at);
CREATE INDEX transfers_recipient ON transfers (recipient);

CREATE TABLE financing_outcomes (
  id bigserial PRIMARY KEY,
  voucher_id uuid NOT NULL,
  holder text NOT NULL,
  funder text NOT NULL,
  outcome text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX financing_outcomes_holder ON financing_outcomes (holder, outcome);

CREATE TABLE payables (
  payable_id text PRIMARY KEY,
  debtor text,
  creditor text,
  amount_fen bigint,
  invoices text[] NOT NULL DEFAULT '{}',
  four_flow_score integer,
  four_flow_at timestamptz,
  recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE voided_invoices (
  invoice_id text NOT NULL,
  payable_id text NOT NULL,
  status text NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (invoice_id, payable_id)
);
CREATE INDEX voided_invoices_payable ON voided_invoices (payable_id);

-- Ingested records, every version kept with its source and observation time.
CREATE TABLE enterprise_records (
  enterprise text NOT NULL,
  kind text NOT NULL,
  record_key text NOT NULL,
  version integer NOT NULL,
  source text NOT NULL,
  observed_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  data jsonb NOT NULL,
  PRIMARY KEY (enterprise, kind, record_key, version)
);

-- The identity of each enterprise from its latest registration, for related-party checks.
CREATE TABLE enterprise_identity (
  enterprise text PRIMARY KEY,
  legal_representative text NOT NULL,
  address text NOT NULL,
  representative_key text NOT NULL,
  address_key text NOT NULL
);
CREATE INDEX enterprise_identity_representative ON enterprise_identity (representative_key);
CREATE INDEX enterprise_identity_address ON enterprise_identity (address_key);

CREATE TABLE scorecards (
  version text PRIMARY KEY,
  definition jsonb NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
  funder text NOT NULL,
  product_id text NOT NULL,
  version integer NOT NULL,
  status text NOT NULL,
  terms jsonb NOT NULL,
  published_at timestamptz NOT NULL,
  PRIMARY KEY (funder, product_id)
);
CREATE TABLE product_versions (
  funder text NOT NULL,
  product_id text NOT NULL,
  version integer NOT NULL,
  status text NOT NULL,
  terms jsonb NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (funder, product_id, version)
);

CREATE TABLE assessments (
  assessment_id uuid PRIMARY KEY,
  voucher_id uuid NOT NULL,
  root_id uuid NOT NULL,
  holder text NOT NULL,
  funder text NOT NULL,
  issuer text,
  product_id text NOT NULL,
  decision text NOT NULL,
  score double precision NOT NULL,
  pd double precision NOT NULL,
  grade text NOT NULL,
  scorecard_version text NOT NULL REFERENCES scorecards (version),
  inputs jsonb NOT NULL,
  result jsonb NOT NULL,
  requested_at timestamptz NOT NULL,
  assessed_at timestamptz NOT NULL
);
CREATE INDEX assessments_funder ON assessments (funder, assessed_at DESC, assessment_id);
CREATE INDEX assessments_voucher ON assessments (voucher_id);

CREATE TABLE alerts (
  alert_id uuid PRIMARY KEY,
  funder text NOT NULL,
  subject text NOT NULL,
  rule text NOT NULL,
  severity text NOT NULL,
  text text NOT NULL,
  facts jsonb NOT NULL,
  raised_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text,
  note text
);
CREATE INDEX alerts_funder ON alerts (funder, raised_at DESC, alert_id);

-- Whether each issuer was above the platform concentration limit, so the warning fires on the crossing.
CREATE TABLE concentration_flags (
  issuer text PRIMARY KEY,
  above boolean NOT NULL
);

-- Parts of a split event (libs/events split.ts) waiting for the rest.
CREATE TABLE event_parts (
  type text NOT NULL,
  group_key text NOT NULL,
  part_index integer NOT NULL,
  part_count integer NOT NULL,
  data jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (type, group_key, part_index)
);

-- Events the consumer could not apply (unreadable, invalid, or refused by a rule), kept with the reason.
CREATE TABLE parked_events (
  id bigserial PRIMARY KEY,
  event_id uuid,
  topic text NOT NULL,
  "partition" integer NOT NULL,
  "offset" text NOT NULL,
  type text,
  reason text NOT NULL,
  detail text NOT NULL,
  parked_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE parked_events;
DROP TABLE event_parts;
DROP TABLE concentration_flags;
DROP TABLE alerts;
DROP TABLE assessments;
DROP TABLE product_versions;
DROP TABLE products;
DROP TABLE scorecards;
DROP TABLE enterprise_identity;
DROP TABLE enterprise_records;
DROP TABLE voided_invoices;
DROP TABLE payables;
DROP TABLE financing_outcomes;
DROP TABLE transfers;
DROP TABLE vouchers;
DROP TABLE tree_backing;
DROP TABLE trees;
DROP TABLE credit_lines;
DROP TABLE parties;
