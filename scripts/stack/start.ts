import path from 'node:path';
import { loadStartEnv } from './start-env';
import { startStack } from './stack';

/** `npm start`: the whole product on one machine, with demo data. Configuration via environment (see README). */
const root = path.resolve(import.meta.dirname, '../..');

async function main(): Promise<void> {
  const env = loadStartEnv(process.env);
  console.log('桥 Qiao — starting…');
  const stack = await startStack({
    root,
    dataDir: path.resolve(root, env.QIAO_DATA_DIR),
    host: env.HOST,
    port: env.PORT,
    erpSimPort: env.ERP_SIM_PORT,
    wecomSimPort: env.WECOM_SIM_PORT,
    dingtalkSimPort: env.DINGTALK_SIM_PORT,
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
    ...(env.MQTT_URL ? { mqttUrl: env.MQTT_URL } : {}),
    embeddedMqttPort: env.EMBEDDED_MQTT_PORT,
    embeddedPgPort: env.EMBEDDED_PG_PORT,
    ownRedisPort: env.EMBEDDED_REDIS_PORT,
    queuePrefix: env.QUEUE_PREFIX,
    workers: env.WORKERS,
    output: 'inherit',
    ...(env.QIAO_SECRET_KEY ? { secretKey: env.QIAO_SECRET_KEY } : {}),
    production: env.NODE_ENV === 'production',
  });
  const example = path.join('e2e', 'fixtures', 'sales-order.json');
  console.log(`
──────────────────────────────────────────────────────────────
 桥 Qiao is running · 已启动
   Web & API      ${stack.serverUrl}
   Event gateway  ${stack.serverUrl}/api/events
   ERP simulator  ${stack.erpSimUrl}/k3cloud/   (Kingdee K3Cloud WebAPI)
${stack.wecomSimUrl ? `   WeCom sim      ${stack.wecomSimUrl}/cgi-bin/   (企业微信; messages received: ${stack.wecomSimUrl}/__sim/messages?kind=app; approval callback: curl -X POST ${stack.wecomSimUrl}/__sim/callbacks/approval-change -d '{"spNo":"202611270001"}')\n` : ''}${stack.dingtalkSimUrl ? `   DingTalk sim   ${stack.dingtalkSimUrl}   (钉钉 robots, work notices; messages received: ${stack.dingtalkSimUrl}/__sim/state)\n` : ''}   Database       ${stack.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}
   Redis          ${stack.redisUrl}
   MQTT broker    ${stack.mqttUrl.replace(/\/\/[^@]*@/, '//***@')}${stack.mqttEmbedded ? '   (embedded aedes; sessions and retained messages in memory, lost on stop)' : ''}
   Meter demo     pnpm sim:meters --meters 100 --hz 1 --url ${stack.mqttUrl.replace(/\/\/[^@]*@/, '//***@')}

${stack.users.length === 0 ? ' Production mode: no demo data. The first admin is created from QIAO_ADMIN_PASSWORD.\n' : ` Demo logins · 演示账号 (user / password):
${stack.users.map((u) => `   ${u.username.padEnd(10)} ${u.password.padEnd(16)} ${u.roles.join(', ')}`).join('\n')}

 Demo API key · 演示 API 密钥:
   ${stack.apiKey}
`}
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
