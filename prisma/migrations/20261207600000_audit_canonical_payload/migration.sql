-- The RFC 8785 canonical JSON of each event's before and after, exactly the text its hash covers
-- (lib/audit/README.md, "Verifying in the database"). jsonb keeps neither key order nor number
-- spelling, so without it only the application could rebuild the hashed input; with it the
-- database can, and verification hashes a million events where they are stored.
-- Events written before this migration have none (NULL): they are verified by the application
-- as before, so existing chains keep verifying. The chained insert fills both for every new
-- event ('null' when there is no value), and the runtime role's INSERT grant covers them.
ALTER TABLE "audit_events" ADD COLUMN "before_canonical" TEXT, ADD COLUMN "after_canonical" TEXT;
