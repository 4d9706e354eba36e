-- 0008: the intent/outcome link of the audit chain (docs/audit-chain.md §1, DESIGN §7 "no side effect without its event").
--
-- An action with a side effect (an upstream write, a change to QuantaSeal's own state) records an intent event
-- (outcome 'attempted') before the side effect and an outcome event after it; the outcome event names its intent in
-- attempt_event_id. NULL for every other event, including every event chained before this migration: the canonical
-- form carries the member only when it is set, so existing rows keep their hashes and need no backfill.
--
-- Adding a nullable column without a default is a catalog-only change in PostgreSQL 11+ (no table rewrite), and it is
-- not an UPDATE, so the append-only statement triggers of 0006 are not involved.

ALTER TABLE audit_events ADD COLUMN attempt_event_id text;

COMMENT ON COLUMN audit_events.attempt_event_id IS 'For an outcome event: the event_id of its intent (outcome attempted) event; NULL otherwise.';
