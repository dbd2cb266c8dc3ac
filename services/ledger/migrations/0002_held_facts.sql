-- Up Migration
-- Payable facts whose debtor or creditor is not registered yet (its party.register may still be
-- on its way): held here, in the batch's transaction, and decided again when a party arrives,
-- instead of being refused and lost with their offset committed.
CREATE TABLE held_facts (
  payable_id text PRIMARY KEY,
  submission_id text NOT NULL,
  fact jsonb NOT NULL,
  reason text NOT NULL,
  held_at timestamptz NOT NULL
);

-- Down Migration
DROP TABLE held_facts;
