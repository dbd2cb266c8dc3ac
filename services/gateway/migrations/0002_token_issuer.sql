-- Who issued a token: null for the party's own signed login; the operator's party id for one the
-- operator issued (POST /v1/tokens). Such a token reads as the party and writes nothing: the
-- operator held it before handing it over, and a token-only write (a bank account, trade records,
-- products, webhooks) must come from the party's own login.
ALTER TABLE tokens ADD COLUMN issued_by text;
