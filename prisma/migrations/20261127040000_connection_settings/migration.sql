-- Per-connection operational limits (e.g. calls per second the remote system allows).
ALTER TABLE "connections" ADD COLUMN "settings" JSONB NOT NULL DEFAULT '{}';
