-- A change set may change its environment's variables as well as profiles (lib/change-sets): each
-- changed variable's value before and after, as `{ environment, changes: [{ name, before, after }] }`.
-- Written to environment_variables by the transaction that starts the set's first apply, under
-- the set's approval. Variables are identifiers, never secrets. Null: the set changes none.
ALTER TABLE "change_sets" ADD COLUMN "variables" JSONB;
