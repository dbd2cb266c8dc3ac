-- Up Migration

-- The settlement bank account each enterprise registered: where it is paid and what it pays from.
-- One per party; a new registration replaces it for entries not yet written into a file (an entry
-- already in a file keeps the accounts that file carries).
CREATE TABLE bank_accounts (
  party_id text PRIMARY KEY,
  -- {"number": "…"} (domestic account number) or {"iban": "…"}.
  account jsonb NOT NULL,
  -- {"bankCode": "…", "clearingSystem"?: "…", "name"?: "…"} (CNAPS participant number) or {"bic": "…", "name"?: "…"}.
  agent jsonb NOT NULL,
  account_name text NOT NULL,
  registered_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Money the platform expects to move between two parties' bank accounts, planned from a ledger
-- event: a financing's disbursement (funder → seller, `VoucherFinanced`) or a settlement's payout
-- (issuer → holder, `VoucherSettled`). Named by what it pays (`disburse:<voucherId>`,
-- `payout:<rootId>:<paymentReference>:<holder>`), so an event seen twice plans it once.
-- `planned` entries wait for the ticker; one whose debtor or creditor has no registered account
-- waits (and is listed as blocked) until both have one. `filed`: written into one pain.001 file,
-- with the accounts that file carries. `paid` / `partial`: what a bank notification said.
CREATE TABLE payment_entries (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('disbursement', 'payout')),
  debtor text NOT NULL,
  creditor text NOT NULL,
  amount numeric(17, 2) NOT NULL CHECK (amount > 0),
  end_to_end_id text NOT NULL UNIQUE,
  voucher_id uuid,
  root_id uuid NOT NULL,
  -- The settlement's payment reference, or the financing's product id: for people reading the file.
  reference text NOT NULL,
  event_id uuid NOT NULL,
  state text NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'filed', 'paid', 'partial')),
  file_id text,
  -- The creditor's account id as written into the file: what a notification's payee must equal.
  payee_account text,
  notified_amount numeric(17, 2),
  notification_id text,
  planned_at timestamptz NOT NULL,
  settled_at timestamptz
);
CREATE INDEX payment_entries_planned ON payment_entries (debtor, planned_at) WHERE state = 'planned';
CREATE INDEX payment_entries_file ON payment_entries (file_id);

-- One pain.001.001.09 file: one debtor, one tick's worth of its entries. The XML is kept here, so
-- the file on disk can always be written again byte for byte (its sha256 says it was).
CREATE TABLE payment_files (
  id text PRIMARY KEY,
  debtor text NOT NULL,
  message_id text NOT NULL UNIQUE,
  file_name text NOT NULL,
  created_at timestamptz NOT NULL,
  transfers int NOT NULL,
  control_sum numeric(20, 2) NOT NULL,
  sha256 text NOT NULL,
  xml text NOT NULL,
  -- When the file was in the directory under its final name; null until then (the ticker writes it again).
  written_at timestamptz
);
CREATE INDEX payment_files_debtor ON payment_files (debtor, created_at);
CREATE INDEX payment_files_unwritten ON payment_files (created_at) WHERE written_at IS NULL;

-- The payment each settlement cites (`voucher.settle`'s paymentReference: the bank reference of the
-- issuer's payment, unique per payer) and the amount it says was paid. A notification confirms it
-- with a booked debit of that amount, under that bank reference, from the issuer's registered
-- account; another amount leaves it `differs`, for a person.
CREATE TABLE cited_settlements (
  issuer text NOT NULL,
  payment_reference text NOT NULL,
  root_id uuid NOT NULL,
  paid_amount numeric(17, 2) NOT NULL,
  event_id uuid NOT NULL,
  state text NOT NULL DEFAULT 'cited' CHECK (state IN ('cited', 'confirmed', 'differs')),
  notified_amount numeric(17, 2),
  notification_id text,
  cited_at timestamptz NOT NULL,
  PRIMARY KEY (issuer, payment_reference)
);

-- Each bank notification imported (camt.054 or the bank CSV), named by the sha256 of its bytes:
-- a second import of the same file answers the stored report and changes nothing.
CREATE TABLE payment_notifications (
  id text PRIMARY KEY,
  format text NOT NULL CHECK (format IN ('camt.054', 'csv')),
  imported_by text NOT NULL,
  imported_at timestamptz NOT NULL,
  report jsonb NOT NULL
);

-- Down Migration
DROP TABLE payment_notifications, cited_settlements, payment_files, payment_entries, bank_accounts;
