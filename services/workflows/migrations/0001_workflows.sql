-- Up Migration

-- What the workflows service will do, and when: one row per action, named by what it acts on
-- (`expire:<voucherId>`, `overdue:<rootId>`, `remind:<rootId>`), so an event seen twice plans the
-- same row once. The ticker hands rows that are due by the service's clock to BullMQ; a row is
-- done once its action had its effect, or failed (visibly) after its attempts.
CREATE TABLE schedule (
  id text PRIMARY KEY,
  kind text NOT NULL,
  due_at timestamptz NOT NULL,
  payload jsonb NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'enqueued', 'done', 'cancelled', 'failed')),
  attempts int NOT NULL DEFAULT 0,
  -- The signed command of the current attempt, kept so a retry sends exactly the same one
  -- (same nonce and createdAt): the ledger then answers with its stored result.
  command jsonb,
  enqueued_at timestamptz,
  done_at timestamptz,
  outcome text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schedule_due ON schedule (due_at) WHERE state = 'pending';
CREATE INDEX schedule_enqueued ON schedule (enqueued_at) WHERE state = 'enqueued';

-- The parties the ledger registered, with their roles: who may register an endpoint, who may
-- read the schedule (the operator and the regulator).
CREATE TABLE parties (party_id text PRIMARY KEY, roles text[] NOT NULL);

-- Which core enterprise issued each tree: events other than VoucherIssued name only the root.
CREATE TABLE trees (root_id uuid PRIMARY KEY, issuer text NOT NULL, maturity_date date NOT NULL);

-- Enterprises' webhook endpoints. The secret signs every delivery (HMAC-SHA256); it is kept
-- encrypted (AES-256-GCM under a key derived from INTERNAL_AUTH_KEY), shown once at creation.
CREATE TABLE webhook_endpoints (
  id uuid PRIMARY KEY,
  party_id text NOT NULL,
  url text NOT NULL,
  secret_enc text NOT NULL,
  created_at timestamptz NOT NULL,
  deleted_at timestamptz
);
CREATE INDEX webhook_endpoints_party ON webhook_endpoints (party_id) WHERE deleted_at IS NULL;

-- One delivery of one event to one endpoint, named by both (an event seen twice is delivered
-- once). Attempts are retried with exponential backoff by the service's clock; past the last
-- attempt a delivery is dead, listed, and can be replayed through the API.
CREATE TABLE webhook_deliveries (
  id text PRIMARY KEY,
  endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id),
  party_id text NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  body text NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'enqueued', 'delivering', 'delivered', 'dead')),
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  enqueued_at timestamptz,
  last_status int,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_party ON webhook_deliveries (party_id, state, created_at);

-- Down Migration
DROP TABLE webhook_deliveries, webhook_endpoints, trees, parties, schedule;
