import path from 'node:path';
import { startStack } from './stack';

/** `npm start`: the whole product on one machine, with demo data. Configuration via environment (see README). */
const root = path.resolve(import.meta.dirname, '../..');
const env = process.env;
const port = Number(env['PORT'] ?? 3000);

async function main(): Promise<void> {
  console.log('桥 Qiao — starting…');
  const stack = await startStack({
    root,
    dataDir: path.resolve(root, env['QIAO_DATA_DIR'] ?? '.data'),
    host: env['HOST'] ?? '127.0.0.1',
    port,
    erpSimPort: Number(env['ERP_SIM_PORT'] ?? 3100),
    ...(env['DATABASE_URL'] ? { databaseUrl: env['DATABASE_URL'] } : {}),
    ...(env['REDIS_URL'] ? { redisUrl: env['REDIS_URL'] } : {}),
    embeddedPgPort: Number(env['EMBEDDED_PG_PORT'] ?? 54329),
    ownRedisPort: Number(env['EMBEDDED_REDIS_PORT'] ?? 6380),
    queuePrefix: env['QUEUE_PREFIX'] ?? 'qiao',
    workers: Number(env['WORKERS'] ?? 1),
    output: 'inherit',
    ...(env['QIAO_SECRET_KEY'] ? { secretKey: env['QIAO_SECRET_KEY'] } : {}),
    production: env['NODE_ENV'] === 'production',
  });
  const example = path.join('e2e', 'fixtures', 'sales-order.json');
  console.log(`
──────────────────────────────────────────────────────────────
 桥 Qiao is running · 已启动
   Web & API      ${stack.serverUrl}
   Event gateway  ${stack.serverUrl}/api/events
   ERP simulator  ${stack.erpSimUrl}/k3cloud/   (Kingdee K3Cloud WebAPI)
   Database       ${stack.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}
   Redis          ${stack.redisUrl}

 Demo logins · 演示账号 (user / password):
${stack.users.map((u) => `   ${u.username.padEnd(10)} ${u.password.padEnd(16)} ${u.roles.join(', ')}`).join('\n')}

 Demo API key · 演示 API 密钥:
   ${stack.apiKey}

 Post a sales order · 发送一个销售订单事件:
   curl -X POST ${stack.serverUrl}/api/events \\
     -H "Authorization: Bearer ${stack.apiKey}" \\
     -H "Content-Type: application/cloudevents+json" \\
     --data @${example}

 Ctrl-C stops everything · 按 Ctrl-C 停止
──────────────────────────────────────────────────────────────`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\n桥 Qiao — stopping…');
    await stack.stop();
    console.log('stopped · 已停止');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(`\n✖ ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
