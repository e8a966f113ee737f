-- Reconciliation reports (Qiao's runs versus the ERP's documents for a period) and the reports of
-- the compensation pass, kept for the console.
CREATE TYPE "ReportStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed');

CREATE TABLE "reconciliation_reports" (
    "id" UUID NOT NULL,
    "status" "ReportStatus" NOT NULL DEFAULT 'queued',
    "trigger" TEXT NOT NULL,
    "requestedBy" TEXT,
    "periodFrom" TIMESTAMPTZ(3) NOT NULL,
    "periodTo" TIMESTAMPTZ(3) NOT NULL,
    "progress" JSONB,
    "summary" JSONB,
    "details" JSONB,
    "discrepancyRate" DOUBLE PRECISION,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    CONSTRAINT "reconciliation_reports_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "reconciliation_reports_createdAt_idx" ON "reconciliation_reports"("createdAt");

CREATE TABLE "compensation_reports" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "trigger" TEXT NOT NULL,
    "requestedBy" TEXT,
    "examined" INTEGER NOT NULL,
    "leftForPeople" INTEGER NOT NULL,
    "requeued" INTEGER NOT NULL,
    "retried" JSONB NOT NULL DEFAULT '[]',
    CONSTRAINT "compensation_reports_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "compensation_reports_at_idx" ON "compensation_reports"("at");
