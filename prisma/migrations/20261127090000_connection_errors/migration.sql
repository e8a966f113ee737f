-- The recent errors of a connection (failed step attempts that used it, trigger and test failures),
-- kept short: the runtime trims each connection to its most recent entries on every insert.
CREATE TABLE "connection_errors" (
    "id" BIGSERIAL NOT NULL,
    "connectionId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "source" TEXT NOT NULL,
    "runId" UUID,
    "nodeId" TEXT,
    "attempt" INTEGER,
    "code" TEXT NOT NULL,
    "message" TEXT NOT NULL,

    CONSTRAINT "connection_errors_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "connection_errors_connectionId_at_idx" ON "connection_errors"("connectionId", "at" DESC);

-- AddForeignKey
ALTER TABLE "connection_errors" ADD CONSTRAINT "connection_errors_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
