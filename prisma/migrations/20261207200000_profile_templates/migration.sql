-- Profile templates (issue 9): named access profiles an admin maintains, each version immutable.
-- An API may follow one: its profile is saved from the template's versions (a new version makes a
-- change set for every follower). Names and identifiers only, never secrets, as any profile.
CREATE TABLE "profile_templates" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    CONSTRAINT "profile_templates_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "profile_templates_name_key" ON "profile_templates"("name");

-- One published version: the full profile as written (it may hold ${name} variables, resolved per
-- follower's environment when saved). Never updated; deleted only with its template.
CREATE TABLE "profile_template_versions" (
    "template_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "profile" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    CONSTRAINT "profile_template_versions_pkey" PRIMARY KEY ("template_id", "version"),
    CONSTRAINT "profile_template_versions_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "profile_templates"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- The template an API follows (NULL: none). A template with followers cannot be deleted.
ALTER TABLE "apis" ADD COLUMN "template_id" UUID;
ALTER TABLE "apis" ADD CONSTRAINT "apis_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "profile_templates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX "apis_template_id_idx" ON "apis"("template_id");

-- The template version a profile version was saved from ({id, name, version}; NULL: written by
-- hand). Plain JSON, not a reference, so the history stays readable after the template is deleted.
ALTER TABLE "access_profile_versions" ADD COLUMN "template" JSONB;

-- A published version never changes, whatever the application does (followers' profile versions
-- and change sets name it). Deleting the template deletes its versions (the cascade's DELETE).
CREATE FUNCTION "profile_template_versions_refuse_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'profile_template_versions are immutable: publish a new version instead'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "profile_template_versions_no_update"
    BEFORE UPDATE ON "profile_template_versions"
    FOR EACH ROW EXECUTE FUNCTION "profile_template_versions_refuse_update"();
