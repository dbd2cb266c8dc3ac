-- Up Migration

-- Financing registration (中登网, DESIGN §4; docs/workflows.md "Financing registration").

-- The registry names enterprises by registered name and unified social credit code: both come
-- with PartyRegistered.
ALTER TABLE parties ADD COLUMN name text, ADD COLUMN uscc text;

-- The invoices behind each recorded payable, and the payables behind each voucher (a piece of a
-- split carries its share of its parent's): what a search describes the receivable by.
CREATE TABLE registry_payables (payable_id text PRIMARY KEY, invoices text[] NOT NULL);
CREATE TABLE registry_vouchers (voucher_id uuid PRIMARY KEY, root_id uuid NOT NULL, payable_ids text[] NOT NULL);

-- One row per financing request (financing_id: `<voucherId>.<FinancingRequested.at compacted>`),
-- with what the registry answered: the search (its hits are what the gateway and risk refuse an
-- approval on), the registration once funded, the release once paid off.
CREATE TABLE registry_financings (
  financing_id text PRIMARY KEY,
  voucher_id uuid NOT NULL,
  root_id uuid NOT NULL,
  holder text NOT NULL,
  funder text NOT NULL,
  amount text NOT NULL,
  requested_at timestamptz NOT NULL,
  -- The financing as the ledger decided it.
  state text NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'funded', 'rejected', 'withdrawn', 'paidOff')),
  -- The receivable as searched (Receivable of @cascade/payments); null when a party lacks a USCC.
  receivable jsonb,
  -- Where the registry record stands: new → searched → registered → released.
  registry_status text NOT NULL DEFAULT 'new' CHECK (registry_status IN ('new', 'searched', 'registered', 'released')),
  search jsonb,
  registration jsonb,
  release jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registry_financings_voucher ON registry_financings (voucher_id, requested_at DESC);

-- The registry steps (search, register, release), one per financing and operation, run by the
-- work queue like the schedule's actions. An answer not come yet is looked for again with
-- backoff, a bounded number of times; a refusal is recorded failed with its reason.
CREATE TABLE registry_steps (
  id text PRIMARY KEY,
  financing_id text NOT NULL REFERENCES registry_financings (financing_id),
  operation text NOT NULL CHECK (operation IN ('search', 'register', 'release')),
  input jsonb NOT NULL,
  due_at timestamptz NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'enqueued', 'done', 'cancelled', 'failed')),
  attempts int NOT NULL DEFAULT 0,
  enqueued_at timestamptz,
  done_at timestamptz,
  outcome text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registry_steps_due ON registry_steps (due_at) WHERE state = 'pending';
CREATE INDEX registry_steps_enqueued ON registry_steps (enqueued_at) WHERE state = 'enqueued';
CREATE INDEX registry_steps_financing ON registry_steps (financing_id);

-- Down Migration
DROP TABLE registry_steps, registry_financings, registry_vouchers, registry_payables;
ALTER TABLE parties DROP COLUMN name, DROP COLUMN uscc;
