-- The intervention desk: an operator may retry a failed step with edited input, and a manual retry
-- starts the take-over limit afresh.
ALTER TABLE "steps" ADD COLUMN "inputOverride" JSONB;
ALTER TABLE "steps" ADD COLUMN "attemptBase" INTEGER NOT NULL DEFAULT 0;
