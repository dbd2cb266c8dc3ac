-- The Idempotency-Key an operator's token issue came with, and its request's hash: the same key
-- again is answered "already issued" with the token's id (its secret is shown once and kept by
-- no one), never with a second token.
ALTER TABLE tokens ADD COLUMN idempotency_key text, ADD COLUMN request_sha256 text;
CREATE UNIQUE INDEX tokens_issue_key ON tokens (issued_by, idempotency_key) WHERE idempotency_key IS NOT NULL;
