/** In-memory call counters for /__sim/stats (since start or the last reset). */
export class CallStats {
  byService: Record<string, number> = {};
  writesByForm: Record<string, Record<string, number>> = {};
  reads = 0;
  writes = 0;

  record(service: string): void {
    this.byService[service] = (this.byService[service] ?? 0) + 1;
  }

  recordRead(): void {
    this.reads++;
  }

  recordWrite(service: string, formId: string): void {
    this.writes++;
    const perForm = (this.writesByForm[formId] ??= {});
    perForm[service] = (perForm[service] ?? 0) + 1;
  }

  reset(): void {
    this.byService = {};
    this.writesByForm = {};
    this.reads = 0;
    this.writes = 0;
  }
}
