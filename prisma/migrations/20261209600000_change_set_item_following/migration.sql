-- What a change set's item changes in the template its API follows (lib/change-sets):
-- `{ before, after }`, each `{ name, version }` (version null: its profile is not one of the
-- template's versions) or null (follows none). Written with the item when the set is made, as the
-- following change itself is. Null: the set does not change what the API follows.
ALTER TABLE "change_set_items" ADD COLUMN "following" JSONB;
