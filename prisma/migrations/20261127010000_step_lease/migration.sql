-- A running step is owned by the worker that claimed it until leaseUntil; after that the sweeper
-- lets another worker take it over (same attempt, same idempotency key).
ALTER TABLE "steps" ADD COLUMN "leaseUntil" TIMESTAMPTZ(3);

-- Deleting a flow version checks runs; without this it scans.
CREATE INDEX "runs_flowVersionId_idx" ON "runs"("flowVersionId");
