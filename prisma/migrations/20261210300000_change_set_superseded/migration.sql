-- A change set not yet applied is superseded when a newer set replaces it (lib/change-sets/README.md,
-- "Superseding"): it ends, no longer approvable or appliable, and names the set that replaced it.
-- `source`: where a profiles-as-code set came from (`portcullis plan --dir`), so a newer plan of the
-- same directory replaces the older one whatever APIs each holds. Null: made any other way.
ALTER TABLE "change_sets" ADD COLUMN "source" TEXT;
ALTER TABLE "change_sets" ADD COLUMN "superseded_by" UUID REFERENCES "change_sets" ("id") ON DELETE RESTRICT;
ALTER TABLE "change_sets" ADD COLUMN "superseded_at" TIMESTAMPTZ(3);
CREATE INDEX "change_sets_superseded_by_idx" ON "change_sets" ("superseded_by");
ALTER TABLE "change_sets" DROP CONSTRAINT "change_sets_status";
ALTER TABLE "change_sets" ADD CONSTRAINT "change_sets_status"
  CHECK ("status" IN ('ready', 'applying', 'finished', 'cancelled', 'superseded'));
-- A superseded set always names the set that replaced it, and only a superseded one does.
ALTER TABLE "change_sets" ADD CONSTRAINT "change_sets_superseded_by"
  CHECK (("status" = 'superseded') = ("superseded_by" IS NOT NULL AND "superseded_at" IS NOT NULL));
