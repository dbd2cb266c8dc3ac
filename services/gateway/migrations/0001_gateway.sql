-- Up Migration
-- Bearer tokens issued to parties at a signed login. Only the SHA-256 of the secret half is
-- kept: a database dump gives nobody a usable token.
CREATE TABLE tokens (
  token_id uuid PRIMARY KEY,
  party_id text NOT NULL,
  secret_sha256 text NOT NULL,
  label text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX tokens_of_party ON tokens (party_id, token_id);

-- Nonces of signed logins, so a captured login cannot be replayed for a second token. Rows older
-- than the login window are useless (such a login is refused for its age) and are swept.
CREATE TABLE login_nonces (
  party_id text NOT NULL,
  nonce text NOT NULL,
  used_at timestamptz NOT NULL,
  PRIMARY KEY (party_id, nonce)
);
CREATE INDEX login_nonces_age ON login_nonces (used_at);

-- The gateway's view of who may sign (event-carried state from ledger.events: PartyRegistered,
-- KeyAdded, KeyRevoked; the genesis operator seeded at start). The ledger stays the authority:
-- it checks every signature again.
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
  alg text NOT NULL,
  public_key text NOT NULL,
  added_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX party_keys_of_party ON party_keys (party_id);

-- Which issuer each voucher's tree belongs to, from VoucherIssued and VoucherTransferred: the
-- Kafka key of a command on a voucher (ledger.commands is keyed by the tree's issuer).
CREATE TABLE voucher_issuers (
  voucher_id uuid PRIMARY KEY,
  root_id uuid NOT NULL,
  issuer text NOT NULL
);

-- Down Migration
DROP TABLE voucher_issuers;
DROP TABLE party_keys;
DROP TABLE parties;
DROP TABLE login_nonces;
DROP TABLE tokens;
