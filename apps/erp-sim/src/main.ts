import { loadEnv } from './env';
import { createSimulator } from './simulator';

async function main(): Promise<void> {
  const env = loadEnv();
  const simulator = await createSimulator({
    databaseUrl: env.ERP_SIM_DATABASE_URL,
    host: env.ERP_SIM_HOST,
    port: env.ERP_SIM_PORT,
    logger: env.ERP_SIM_LOG,
    ...(env.ERP_SIM_SESSION_TTL_MS !== undefined ? { sessionTtlMs: env.ERP_SIM_SESSION_TTL_MS } : {}),
    ...(env.ERP_SIM_FAULT_SEED !== undefined ? { faultSeed: env.ERP_SIM_FAULT_SEED } : {}),
  });
  console.log(`erp-sim (K3Cloud simulator) listening on ${simulator.url}/k3cloud/`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`erp-sim: ${signal}, shutting down`);
    await simulator.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
