-- Environments and promotion (issue 9). The values a profile's ${name} variables take in one
-- environment (development, test, production or another name: instances.environment), shared by
-- every instance of that environment. Names and identifiers only, never secrets.
CREATE TABLE "environment_variables" (
    "environment" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT NOT NULL,
    CONSTRAINT "environment_variables_pkey" PRIMARY KEY ("environment", "name")
);

-- A profile version as written, with its ${name} variables, when it had any (NULL: as "profile").
-- "profile" keeps the resolved profile that plans render, so plans never depend on variables.
ALTER TABLE "access_profile_versions" ADD COLUMN "written" JSONB;
