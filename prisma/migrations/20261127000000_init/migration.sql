-- Portcullis initial schema. Mirrors prisma/schema.prisma.

CREATE TABLE "instances" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "resource_group" TEXT NOT NULL,
    "service_name" TEXT NOT NULL,
    "arm_endpoint" TEXT NOT NULL,
    "tier" TEXT NOT NULL DEFAULT 'Developer',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_synced_at" TIMESTAMPTZ(3),
    CONSTRAINT "instances_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "instances_name_key" ON "instances"("name");
CREATE UNIQUE INDEX "instances_subscription_id_resource_group_service_name_arm_endpoint_key"
    ON "instances"("subscription_id", "resource_group", "service_name", "arm_endpoint");

CREATE TABLE "apis" (
    "id" UUID NOT NULL,
    "instance_id" UUID NOT NULL,
    "apim_name" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "service_url" TEXT,
    "discovered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "gone_at" TIMESTAMPTZ(3),
    CONSTRAINT "apis_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "apis_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "apis_instance_id_apim_name_key" ON "apis"("instance_id", "apim_name");

CREATE TABLE "access_profile_versions" (
    "id" UUID NOT NULL,
    "api_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "profile" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    CONSTRAINT "access_profile_versions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "access_profile_versions_api_id_fkey" FOREIGN KEY ("api_id") REFERENCES "apis"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "access_profile_versions_api_id_version_key" ON "access_profile_versions"("api_id", "version");

CREATE TABLE "secrets" (
    "id" UUID NOT NULL,
    "instance_id" UUID NOT NULL,
    "named_value_id" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "fingerprint" TEXT,
    "key_vault_secret_id" TEXT,
    "key_vault_identity" TEXT,
    "last_status" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    "rotated_at" TIMESTAMPTZ(3),
    CONSTRAINT "secrets_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "secrets_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "secrets_instance_id_named_value_id_key" ON "secrets"("instance_id", "named_value_id");

CREATE TABLE "plans" (
    "id" UUID NOT NULL,
    "api_id" UUID NOT NULL,
    "profile_version_id" UUID,
    "purpose" TEXT NOT NULL DEFAULT 'profile',
    "operations" JSONB NOT NULL,
    "diff" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    CONSTRAINT "plans_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "plans_api_id_fkey" FOREIGN KEY ("api_id") REFERENCES "apis"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "plans_profile_version_id_fkey" FOREIGN KEY ("profile_version_id") REFERENCES "access_profile_versions"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "plans_api_id_created_at_idx" ON "plans"("api_id", "created_at");

CREATE TABLE "deployments" (
    "id" UUID NOT NULL,
    "plan_id" UUID NOT NULL,
    "api_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "error" JSONB,
    "result" JSONB,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "started_by" TEXT NOT NULL,
    "request_id" TEXT,
    CONSTRAINT "deployments_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "deployments_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "deployments_api_id_fkey" FOREIGN KEY ("api_id") REFERENCES "apis"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "deployments_api_id_started_at_idx" ON "deployments"("api_id", "started_at");

CREATE TABLE "deployment_steps" (
    "id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "if_match" TEXT,
    "etag_after" TEXT,
    "http_status" INTEGER,
    "arm_request_id" TEXT,
    "arm_correlation_id" TEXT,
    "error" JSONB,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "deployment_steps_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "deployment_steps_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "deployment_steps_deployment_id_seq_key" ON "deployment_steps"("deployment_id", "seq");

CREATE TABLE "api_locks" (
    "api_id" UUID NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "api_locks_pkey" PRIMARY KEY ("api_id"),
    CONSTRAINT "api_locks_api_id_fkey" FOREIGN KEY ("api_id") REFERENCES "apis"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "audit_events" (
    "seq" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "actor_type" TEXT NOT NULL,
    "actor_oid" TEXT NOT NULL,
    "actor_tid" TEXT,
    "actor_name" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "outcome" TEXT NOT NULL,
    "request_id" TEXT,
    "arm_correlation_id" TEXT,
    "client_ip" TEXT,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("seq")
);
CREATE UNIQUE INDEX "audit_events_id_key" ON "audit_events"("id");
CREATE UNIQUE INDEX "audit_events_hash_key" ON "audit_events"("hash");
CREATE INDEX "audit_events_time_idx" ON "audit_events"("time");
CREATE INDEX "audit_events_actor_oid_time_idx" ON "audit_events"("actor_oid", "time");
CREATE INDEX "audit_events_action_time_idx" ON "audit_events"("action", "time");
CREATE INDEX "audit_events_target_type_target_id_time_idx" ON "audit_events"("target_type", "target_id", "time");

-- The audit history is append-only: the database itself refuses to change or remove it,
-- whatever the application does.
CREATE FUNCTION "audit_events_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "audit_events_no_update_delete"
    BEFORE UPDATE OR DELETE ON "audit_events"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();
CREATE TRIGGER "audit_events_no_truncate"
    BEFORE TRUNCATE ON "audit_events"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();

CREATE TABLE "audit_chain_head" (
    "id" INTEGER NOT NULL,
    "last_seq" BIGINT NOT NULL,
    "last_hash" TEXT NOT NULL,
    CONSTRAINT "audit_chain_head_pkey" PRIMARY KEY ("id")
);
-- The chain starts from a fixed genesis hash (64 zeros).
INSERT INTO "audit_chain_head" ("id", "last_seq", "last_hash")
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE "sessions" (
    "id_hash" TEXT NOT NULL,
    "user_oid" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "roles" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "client_ip" TEXT,
    "user_agent" TEXT,
    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id_hash")
);
CREATE INDEX "sessions_user_oid_idx" ON "sessions"("user_oid");

CREATE TABLE "sign_in_requests" (
    "state_hash" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "code_verifier" TEXT NOT NULL,
    "return_to" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "sign_in_requests_pkey" PRIMARY KEY ("state_hash")
);
