import { loadEnv } from './env';
import { DEMO_CALLBACK, DEMO_CORP } from './seed';
import { createWecomSimulator } from './simulator';

async function main(): Promise<void> {
  const env = loadEnv();
  const simulator = await createWecomSimulator({
    host: env.WECOM_SIM_HOST,
    port: env.WECOM_SIM_PORT,
    logger: env.WECOM_SIM_LOG,
    ...(env.WECOM_SIM_CALLBACK_URL ? { callback: { url: env.WECOM_SIM_CALLBACK_URL, ...DEMO_CALLBACK } } : {}),
  });
  console.log(`wecom-sim (WeCom API simulator) listening on ${simulator.url}/cgi-bin/ — corp ${DEMO_CORP.corpId}`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`wecom-sim: ${signal}, shutting down`);
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
