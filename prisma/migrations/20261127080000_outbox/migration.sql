-- Durable outbox for rate-limited sends (e.g. DingTalk robots: 20 messages/min). A step queues a
-- message here; the worker sends it within the limit. No foreign key to connections: a message whose
-- connection was deleted is marked failed with the reason, never silently dropped.
CREATE TYPE "OutboxStatus" AS ENUM ('queued', 'sending', 'sent', 'failed');

CREATE TABLE "outbox_messages" (
    "id" UUID NOT NULL,
    -- Queue order (createdAt can tie within a millisecond).
    "seq" BIGSERIAL NOT NULL,
    "channel" TEXT NOT NULL,
    "connectionId" UUID NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "uncertain" BOOLEAN NOT NULL DEFAULT false,
    "batchId" UUID,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMPTZ(3),
    "sentAt" TIMESTAMPTZ(3),
    "error" JSONB,
    "runId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_messages_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "outbox_messages_channel_dedupeKey_key" ON "outbox_messages"("channel", "dedupeKey");
CREATE INDEX "outbox_messages_status_channel_connectionId_nextAttemptAt_idx" ON "outbox_messages"("status", "channel", "connectionId", "nextAttemptAt");

-- One row per call made to the remote system, for the sliding rate window shared by all workers.
CREATE TABLE "outbox_sends" (
    "id" BIGSERIAL NOT NULL,
    "channel" TEXT NOT NULL,
    "connectionId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_sends_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "outbox_sends_channel_connectionId_at_idx" ON "outbox_sends"("channel", "connectionId", "at");

-- A remote throttle (e.g. DingTalk's 10 minutes after a breach): nothing is sent before `until`.
CREATE TABLE "outbox_throttles" (
    "channel" TEXT NOT NULL,
    "connectionId" UUID NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "outbox_throttles_pkey" PRIMARY KEY ("channel", "connectionId")
);
