import { describe, expect, it } from 'vitest';
import { UserError } from '../kit/errors/user-error';
import { dingtalkEventToCloudEvent } from './event-mapping';
import { applyKeywords, digestMessages, type RobotMessage } from './robot-message';
import { parseSendResult } from './work-notice';

describe('keywords', () => {
  const text: RobotMessage = { msgtype: 'text', text: { content: '出库单已审核' } };
  it('leaves a message that has a keyword alone', () => {
    expect(applyKeywords(text, { keywords: ['审核'], keywordMode: 'append' })).toEqual(text);
  });
  it('appends the first keyword in append mode', () => {
    expect(applyKeywords(text, { keywords: ['Qiao', '桥'], keywordMode: 'append' })).toEqual({ msgtype: 'text', text: { content: '出库单已审核\nQiao' } });
    const card: RobotMessage = { msgtype: 'actionCard', actionCard: { title: 't', text: 'body', singleTitle: 'go', singleURL: 'https://x' } };
    expect(applyKeywords(card, { keywords: ['Qiao'], keywordMode: 'append' })).toMatchObject({ actionCard: { text: 'body\n\nQiao' } });
  });
  it('refuses before sending in refuse mode, naming the keywords', () => {
    expect(() => applyKeywords(text, { keywords: ['Qiao'], keywordMode: 'refuse' })).toThrow(UserError);
    expect(() => applyKeywords(text, { keywords: ['Qiao'], keywordMode: 'refuse' })).toThrow(/Qiao/);
  });
});

describe('digest', () => {
  it('combines messages into one markdown with every entry and the merged mentions', () => {
    const digest = digestMessages([
      { msgtype: 'text', text: { content: 'A @13800000000' }, at: { atMobiles: ['13800000000'] } },
      { msgtype: 'markdown', markdown: { title: 'B', text: 'b body' } },
      { msgtype: 'actionCard', actionCard: { title: 'C', text: 'c body', btns: [{ title: '同意', actionURL: 'https://c' }] } },
    ]);
    expect(digest.msgtype).toBe('markdown');
    if (digest.msgtype !== 'markdown') throw new Error('unreachable');
    expect(digest.markdown.text).toContain('A @13800000000');
    expect(digest.markdown.text).toContain('**B**');
    expect(digest.markdown.text).toContain('[同意](https://c)');
    expect(digest.at).toEqual({ atMobiles: ['13800000000'] });
  });
});

describe('send result and events', () => {
  it('maps getsendresult lists, including forbidden_list entries', () => {
    expect(parseSendResult({ invalid_user_id_list: ['x'], forbidden_list: [{ code: '143106', count: 500, userid: 'y' }], failed_user_id_list: [], unread_user_id_list: ['u1'] }))
      .toEqual({ invalidUsers: ['x'], forbiddenUsers: ['y'], failedUsers: [], readUsers: [], unreadUsers: ['u1'], invalidDepts: [] });
  });

  it('maps an HTTP-push event and a stream frame to CloudEvents with stable ids', () => {
    const body = { EventType: 'bpms_instance_change', processInstanceId: 'pi-1', type: 'finish', result: 'agree', finishTime: 1_700_000_000_000 };
    const a = dingtalkEventToCloudEvent({ connectionId: 'c1', body, raw: JSON.stringify(body) });
    const b = dingtalkEventToCloudEvent({ connectionId: 'c1', body, raw: JSON.stringify(body) });
    expect(a).toMatchObject({ specversion: '1.0', type: 'com.qiao.dingtalk.bpms_instance_change', source: 'urn:qiao:dingtalk:c1', subject: 'pi-1', time: '2023-11-14T22:13:20.000Z' });
    expect(a?.id).toBe(b?.id);
    const stream = dingtalkEventToCloudEvent({ connectionId: 'c1', body: { processInstanceId: 'pi-2' }, headers: { eventType: 'bpms_task_change', eventId: 'ev-9', eventBornTime: '1700000000000' } });
    expect(stream).toMatchObject({ id: 'ev-9', type: 'com.qiao.dingtalk.bpms_task_change', subject: 'pi-2' });
    expect(dingtalkEventToCloudEvent({ connectionId: 'c1', body: { EventType: 'bad type!' } })).toBeNull();
  });
});
