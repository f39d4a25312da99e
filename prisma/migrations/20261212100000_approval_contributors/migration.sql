-- Separation of duties counts whoever wrote an input a plan brings to its API, not only the plan's
-- author (lib/deployments/README.md, "Who may approve"): the writers are kept by object id.
-- NULL in rows written before: the rules then compare names, as for plans' authors.
ALTER TABLE "access_profile_versions" ADD COLUMN "created_by_oid" TEXT;
-- The variables a version was resolved with and who wrote each value it took (identifiers, never secrets).
ALTER TABLE "access_profile_versions" ADD COLUMN "resolved_variables" JSONB;
ALTER TABLE "profile_template_versions" ADD COLUMN "created_by_oid" TEXT;
ALTER TABLE "environment_variables" ADD COLUMN "updated_by_oid" TEXT;
