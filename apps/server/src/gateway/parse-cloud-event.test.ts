import { describe, expect, it } from 'vitest';
import { parseCloudEventRequest } from './parse-cloud-event';

const event = (data: string) => Buffer.concat([Buffer.from('{"specversion":"1.0","id":"u-1","source":"/t","type":"com.acme.x","data":"'), Buffer.from(data, 'latin1'), Buffer.from('"}')]);

describe('parseCloudEventRequest: text encoding', () => {
  it('refuses a body that is not valid UTF-8 instead of storing U+FFFD in place of the bytes', () => {
    const structured = parseCloudEventRequest({ 'content-type': 'application/cloudevents+json' }, event('caf\xe9'));
    expect(structured.ok).toBe(false);
    if (!structured.ok) expect(structured.errors).toEqual([{ path: '(body)', message: expect.stringMatching(/UTF-8/) as unknown as string }]);

    const binary = { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'u-2', 'ce-source': '/t', 'ce-type': 'com.acme.x' };
    const json = parseCloudEventRequest(binary, Buffer.from([0x22, 0xff, 0x22]));
    expect(json.ok).toBe(false);
    if (!json.ok) expect(json.errors[0]?.path).toBe('data');

    const text = parseCloudEventRequest({ ...binary, 'content-type': 'text/plain' }, Buffer.from([0x61, 0xc3]));
    expect(text.ok).toBe(false);
    if (!text.ok) expect(text.errors[0]?.path).toBe('data');
  });

  it('still reads valid UTF-8, including a BOM-free multi-byte text', () => {
    const parsed = parseCloudEventRequest({ 'content-type': 'application/cloudevents+json' }, Buffer.from(JSON.stringify({ specversion: '1.0', id: 'u-3', source: '/t', type: 'com.acme.x', data: { name: '出库单 café' } })));
    expect(parsed.ok && parsed.event.data).toEqual({ name: '出库单 café' });
  });
});
