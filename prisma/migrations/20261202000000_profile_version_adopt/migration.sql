-- A profile version can take over the hand-written statements of the live policy it was read
-- from (lib/policy README, "Taking over a hand-written policy"). Only when the admin asks for it:
-- every existing version, and every version saved without asking, merges as before.
ALTER TABLE "access_profile_versions" ADD COLUMN "adopts_hand_written" BOOLEAN NOT NULL DEFAULT false;
