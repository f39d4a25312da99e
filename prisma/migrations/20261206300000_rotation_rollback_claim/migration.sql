-- A roll back claims its rotation before planning ('rollback_planning'), so the scheduled clean-up,
-- which only deletes the old named value of an 'applied' rotation, cannot delete it meanwhile.
ALTER TABLE "secret_rotations" DROP CONSTRAINT "secret_rotations_status";
ALTER TABLE "secret_rotations" ADD CONSTRAINT "secret_rotations_status" CHECK ("status" IN ('planned', 'applying', 'applied', 'failed', 'rollback_planning', 'rollback_planned', 'rolled_back', 'completed'));
