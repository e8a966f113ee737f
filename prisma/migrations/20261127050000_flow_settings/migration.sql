-- Per-flow operational limits (e.g. how many of its steps may execute at once).
ALTER TABLE "flows" ADD COLUMN "settings" JSONB NOT NULL DEFAULT '{}';
