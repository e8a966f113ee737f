import { describe, expect, it } from 'vitest';
import { XmlError, parseXml } from './xml';

describe('parseXml', () => {
  it('reads WeCom’s CDATA XML, nested elements and repeated elements', () => {
    const doc = parseXml(`<?xml version="1.0" encoding="utf-8"?>
      <xml>
        <ToUserName><![CDATA[ww1]]></ToUserName>
        <CreateTime>1700000000</CreateTime>
        <ApprovalInfo><SpNo>202311</SpNo><SpRecord><SpStatus>2</SpStatus></SpRecord><SpRecord><SpStatus>1</SpStatus></SpRecord></ApprovalInfo>
        <Empty/>
        <Spaced><![CDATA[  keep  ]]></Spaced>
        <Text>a &lt; b &amp; c &#x4E2D;&#25991;</Text>
      </xml>`);
    expect(doc).toEqual({
      xml: {
        ToUserName: 'ww1',
        CreateTime: '1700000000',
        ApprovalInfo: { SpNo: '202311', SpRecord: [{ SpStatus: '2' }, { SpStatus: '1' }] },
        Empty: '',
        Spaced: '  keep  ',
        Text: 'a < b & c 中文',
      },
    });
  });

  it('keeps "__proto__" as a plain key', () => {
    const doc = parseXml('<xml><__proto__><polluted>yes</polluted></__proto__></xml>');
    const root = doc['xml'] as Record<string, unknown>;
    expect(Object.keys(root)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  const bad: [string, string][] = [
    ['a DOCTYPE with entities', '<!DOCTYPE x [<!ENTITY a "aaaa">]><xml>&a;</xml>'],
    ['an external entity', '<!DOCTYPE x SYSTEM "file:///etc/passwd"><xml/>'],
    ['an unknown entity', '<xml>&foo;</xml>'],
    ['a bare ampersand', '<xml><a>x & y</a></xml>'],
    ['attributes', '<xml a="1"></xml>'],
    ['mismatched tags', '<xml><a></b></xml>'],
    ['an unclosed element', '<xml><a>'],
    ['two roots', '<xml/><xml/>'],
    ['text outside the root', 'hello<xml/>'],
    ['a processing instruction inside', '<xml><?php echo 1 ?></xml>'],
    ['a NUL character reference', '<xml>&#0;</xml>'],
    ['an unterminated CDATA', '<xml><![CDATA[x</xml>'],
    ['nothing', ''],
  ];
  it.each(bad)('refuses %s', (_name, text) => {
    expect(() => parseXml(text)).toThrow(XmlError);
  });

  it('bounds depth, element count and size', () => {
    expect(() => parseXml(`${'<a>'.repeat(40)}${'</a>'.repeat(40)}`)).toThrow(/deeper/);
    expect(() => parseXml(`<xml>${'<a/>'.repeat(20)}</xml>`, { maxElements: 10 })).toThrow(/more than 10/);
    expect(() => parseXml(`<xml>${'x'.repeat(2000)}</xml>`, { maxBytes: 1000 })).toThrow(/exceeds/);
  });
});
