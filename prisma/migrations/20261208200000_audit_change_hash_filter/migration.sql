-- The audit history filtered by a change's hash (request, approvals, rejections, expiries, apply):
-- a change set's events carry it as "setHash", an instance settings change's as "changeHash". One
-- partial expression index ending in seq serves both newest first, as plan hashes are served
-- (audit_events_plan_hash_seq_idx); the filter's condition repeats this expression and predicate.
CREATE INDEX "audit_events_change_hash_seq_idx" ON "audit_events"((COALESCE("after"->>'setHash', "after"->>'changeHash')), "seq")
  WHERE "after" ? 'setHash' OR "after" ? 'changeHash';
