-- A sign-in is finished only by the browser that started it (login CSRF): the SHA-256 of the
-- short-lived __Host-portcullis-signin cookie set at the start. Sign-ins pending during the
-- upgrade get an empty hash, which no cookie matches: they are started again.
ALTER TABLE "sign_in_requests" ADD COLUMN "browser_hash" TEXT NOT NULL DEFAULT '';
ALTER TABLE "sign_in_requests" ALTER COLUMN "browser_hash" DROP DEFAULT;
