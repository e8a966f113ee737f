import type { PrismaClient } from '@qiao/db';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A read-only status page served at / when the web app is not built: run counts by status and the
 * number of published flows, so a fresh installation shows it is alive. It names nothing (no flow
 * names, no events), since it is served without login.
 */
export async function statusPage(prisma: PrismaClient): Promise<string> {
  const [counts, flows] = await Promise.all([
    // Live runs only: test runs of drafts are not traffic.
    prisma.run.groupBy({ by: ['status'], where: { mode: 'live' }, _count: { _all: true } }),
    prisma.flow.count({ where: { status: 'published' } }),
  ]);
  const runRows = counts.map((c) => `<tr><td>${escape(c.status)}</td><td>${c._count._all}</td></tr>`).join('') || '<tr><td colspan="2">暂无运行 · no runs yet</td></tr>';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Qiao 桥</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse;margin-bottom:1.5rem}td,th{border:1px solid #ccc;padding:.3rem .8rem;text-align:left}</style></head>
<body><h1>Qiao 桥 — 集成平台 · integration platform</h1>
<p>已发布流程 · published flows: <b>${flows}</b></p>
<h2>运行 · Runs</h2><table><tr><th>状态 · status</th><th>数量 · count</th></tr>${runRows}</table>
<p>API: <code>POST /api/events</code> (CloudEvents 1.0) · <code>/trpc</code> · <a href="/healthz">/healthz</a></p></body></html>`;
}
