-- Up Migration
-- The policy in force (DESIGN §2's limits), derived from the log like every state row: the
-- genesis sets it, `policy.change` operations change it. One row.
CREATE TABLE policy (
  id smallint PRIMARY KEY CHECK (id = 1),
  data jsonb NOT NULL
);

-- Down Migration
DROP TABLE policy;
