import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from './http-client';
import { startRecordingServer, type Answer, type RecordingServer, type SeenRequest } from './http-client.test-support';

const client = createHttpClient();
const servers: RecordingServer[] = [];
async function serve(answer: Answer): Promise<RecordingServer> {
  const server = await startRecordingServer(answer);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** `/go/<status>?to=<url>` redirects there; `/hops/<n>` redirects n times; anything else answers 200. */
const redirecting: Answer = (seen, res) => {
  const url = new URL(seen.url, 'http://x');
  const go = /^\/go\/(\d+)$/.exec(url.pathname);
  const hops = /^\/hops\/(\d+)$/.exec(url.pathname);
  if (go) {
    res.writeHead(Number(go[1]), { location: url.searchParams.get('to') ?? '/end' });
    res.end('moved');
  } else if (hops && Number(hops[1]) > 0) {
    res.writeHead(302, { location: `/hops/${Number(hops[1]) - 1}` });
    res.end();
  } else {
    res.end(JSON.stringify({ at: url.pathname }));
  }
};

/** What the redirect rules act on, for comparing this client with fetch. */
const summary = (seen: SeenRequest) => ({
  method: seen.method,
  url: seen.url,
  body: seen.body.toString(),
  contentType: seen.headers['content-type'],
  contentLength: seen.headers['content-length'],
  authorization: seen.headers.authorization,
  cookie: seen.headers.cookie,
});

describe('redirects, followed as fetch followed them', () => {
  it.each([301, 302, 303, 307, 308].flatMap((status) => ['POST', 'PUT', 'GET'].map((method) => [status, method] as const)))(
    '%i after %s: the same requests as fetch',
    async (status, method) => {
      const server = await serve(redirecting);
      const body = method === 'GET' ? undefined : '{"a":1}';
      const headers = { 'content-type': 'application/json', authorization: 'Bearer t', cookie: 'k=v' };
      const ours = await client.request({ method, url: `${server.url}/go/${status}`, headers, ...(body === undefined ? {} : { body }), timeoutMs: 2000 });
      const oursSeen = server.seen.splice(0).map(summary);
      const theirs = await fetch(`${server.url}/go/${status}`, { method, headers, ...(body === undefined ? {} : { body }) });
      const theirsSeen = server.seen.splice(0).map(summary);
      expect(ours.status).toBe(theirs.status);
      expect(ours.text).toBe(await theirs.text());
      expect(oursSeen).toEqual(theirsSeen);
      expect(oursSeen).toHaveLength(2);
    },
  );

  it('does not send Authorization or Cookie to another origin, as fetch does not', async () => {
    const other = await serve(redirecting);
    const server = await serve(redirecting);
    const url = `${server.url}/go/307?to=${encodeURIComponent(`${other.url}/end`)}`;
    const headers = { authorization: 'Bearer t', cookie: 'k=v', 'x-keep': '1' };
    await client.request({ method: 'POST', url, headers, body: 'b', timeoutMs: 2000 });
    await (await fetch(url, { method: 'POST', headers, body: 'b' })).text();
    expect(other.seen).toHaveLength(2);
    expect(summary(other.seen[0] as SeenRequest)).toEqual(summary(other.seen[1] as SeenRequest));
    expect(other.seen[0]?.headers).toMatchObject({ 'x-keep': '1' });
    expect(other.seen[0]?.headers.authorization).toBeUndefined();
    expect(other.seen[0]?.headers.cookie).toBeUndefined();
  });

  it('does not carry Basic auth from the URL to another origin', async () => {
    const other = await serve(redirecting);
    const server = await serve(redirecting);
    const url = `${server.url.replace('http://', 'http://u:p@')}/go/302?to=${encodeURIComponent(`${other.url}/end`)}`;
    await client.request({ method: 'GET', url, timeoutMs: 2000 });
    expect(server.seen[0]?.headers.authorization).toMatch(/^Basic /);
    expect(other.seen).toHaveLength(1);
    expect(other.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('resolves a relative Location against the current URL', async () => {
    const server = await serve(redirecting);
    const res = await client.request({ method: 'GET', url: `${server.url}/go/302?to=${encodeURIComponent('../landing?x=1')}`, timeoutMs: 2000 });
    expect(res.json()).toEqual({ at: '/landing' });
    expect(server.seen[1]?.url).toBe('/landing?x=1');
  });

  it('follows 20 redirects and fails on the 21st, as fetch does', async () => {
    const server = await serve(redirecting);
    const res = await client.request({ method: 'GET', url: `${server.url}/hops/20`, timeoutMs: 5000 });
    expect(res.json()).toEqual({ at: '/hops/0' });
    await expect(fetch(`${server.url}/hops/21`)).rejects.toThrow();
    const error: unknown = await client.request({ method: 'GET', url: `${server.url}/hops/21`, timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'network', retryable: true, message: expect.stringContaining('redirect count exceeded') });
  });

  it('returns a redirect status without Location as the answer', async () => {
    const server = await serve((_seen, res) => {
      res.writeHead(302, { 'x-why': 'no location' });
      res.end('here');
    });
    const res = await client.request({ method: 'GET', url: server.url, timeoutMs: 2000 });
    expect(res).toMatchObject({ status: 302, text: 'here', headers: { 'x-why': 'no location' } });
  });

  it('refuses a redirect to another scheme', async () => {
    const server = await serve(redirecting);
    const error: unknown = await client.request({ method: 'GET', url: `${server.url}/go/302?to=${encodeURIComponent('ftp://example.com/x')}`, timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'network', message: expect.stringContaining('HTTP(S) scheme') });
  });

  it('keeps one timeout over all the hops', async () => {
    const server = await serve((seen, res, req) => setTimeout(() => redirecting(seen, res, req), 60));
    const error: unknown = await client.request({ method: 'GET', url: `${server.url}/hops/10`, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(server.seen.length).toBeLessThan(6);
  });
});
