-- Gateway hardening: per-key event-type scopes, optional HMAC signing, per-key rate limits,
-- the client certificate behind each event, and durable Idempotency-Key records.

-- Existing keys keep sending every type ("*"); new keys are given explicit scopes.
ALTER TABLE "api_keys" ADD COLUMN "scopes" TEXT[] DEFAULT ARRAY['*']::TEXT[];
-- The signing secret must be recoverable to verify signatures, so it is sealed (secret-box), not hashed.
ALTER TABLE "api_keys" ADD COLUMN "signingSecret" TEXT;
ALTER TABLE "api_keys" ADD COLUMN "requireSignature" BOOLEAN NOT NULL DEFAULT false;
-- Requests per minute; NULL uses the server default (GATEWAY_RATE_LIMIT_PER_MINUTE).
ALTER TABLE "api_keys" ADD COLUMN "rateLimitPerMinute" INTEGER;

ALTER TABLE "events" ADD COLUMN "clientCertSubject" TEXT;
ALTER TABLE "events" ADD COLUMN "clientCertFingerprint" TEXT;

CREATE TYPE "IdempotencyState" AS ENUM ('in_flight', 'completed');

CREATE TABLE "idempotency_keys" (
    "apiKeyId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "state" "IdempotencyState" NOT NULL DEFAULT 'in_flight',
    "responseStatus" INTEGER,
    "responseBody" JSONB,
    "lockedUntil" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("apiKeyId", "key")
);

CREATE INDEX "idempotency_keys_expiresAt_idx" ON "idempotency_keys"("expiresAt");

ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;
