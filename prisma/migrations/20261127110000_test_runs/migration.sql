-- Test runs: a designer runs the draft with a sample event against the real connections. The draft
-- is compiled into a snapshot (a flow_versions row that is never published and never matched by the
-- gateway), and the run is an ordinary run of it, flagged as a test so monitoring can leave it out.
CREATE TYPE "RunMode" AS ENUM ('live', 'test');
ALTER TABLE "runs" ADD COLUMN "mode" "RunMode" NOT NULL DEFAULT 'live';
CREATE INDEX "runs_flowId_mode_createdAt_idx" ON "runs"("flowId", "mode", "createdAt");

-- Snapshots number their own sequence per flow, beside the published versions.
ALTER TABLE "flow_versions" ADD COLUMN "snapshot" BOOLEAN NOT NULL DEFAULT false;
DROP INDEX "flow_versions_flowId_version_key";
CREATE UNIQUE INDEX "flow_versions_flowId_snapshot_version_key" ON "flow_versions"("flowId", "snapshot", "version");

-- The pinned sample event, shared by everyone who edits the flow.
ALTER TABLE "flows" ADD COLUMN "sampleEvent" JSONB;
