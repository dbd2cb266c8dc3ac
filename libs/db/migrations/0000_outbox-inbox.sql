-- Up Migration
-- The outbox holds every event a service commits, written in the same transaction as the state
-- change it describes; the relay publishes rows in `seq` order and stamps `published_at`.
-- Rows are kept after publishing so that a lost Kafka record can be re-published from here:
-- PostgreSQL is the record, Kafka is transport.
CREATE TABLE outbox (
  seq bigserial PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  topic text NOT NULL,
  key text NOT NULL,
  envelope text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;

-- The inbox records which events a consumer has applied, in the same transaction as their
-- effects, so a redelivered event is recognised and applied once.
CREATE TABLE inbox (
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- Down Migration
DROP TABLE inbox;
DROP TABLE outbox;
