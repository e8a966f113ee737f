import { loadEnv } from './env';
import { createSimulator } from './simulator';
import type { AppConfig, RobotConfig } from './state';

async function main(): Promise<void> {
  const env = loadEnv();
  const simulator = await createSimulator({
    host: env.DINGTALK_SIM_HOST,
    port: env.DINGTALK_SIM_PORT,
    robots: JSON.parse(env.DINGTALK_SIM_ROBOTS) as RobotConfig[],
    apps: JSON.parse(env.DINGTALK_SIM_APPS) as AppConfig[],
    ...(env.DINGTALK_SIM_ROBOT_WINDOW_MS ? { limits: { robotWindowMs: env.DINGTALK_SIM_ROBOT_WINDOW_MS } } : {}),
  });
  console.log(`dingtalk-sim listening on ${simulator.url}`);
  const stop = (): void => {
    void simulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
