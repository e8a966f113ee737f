import type { OutboxChannel } from '../kit/outbox-channel';
import { UserError } from '../kit/errors/user-error';
import type { DingtalkCredentials } from './auth';
import { digestMessages, robotMessageSchema, type RobotMessage } from './robot-message';
import { robotSend } from './transport';

export const ROBOT_CHANNEL_ID = 'dingtalk.robot';

/** DingTalk's documented limit for a custom robot. */
export const ROBOT_PER_MINUTE = 20;

/**
 * How the worker's outbox drainer sends robot messages: at most 20 per minute per robot (a breach
 * throttles the robot for 10 minutes), and a burst above the connection's digestThreshold as one
 * markdown digest. Keywords were applied when the message was queued.
 */
export const dingtalkRobotChannel: OutboxChannel<DingtalkCredentials, RobotMessage> = {
  id: ROBOT_CHANNEL_ID,
  connectorId: 'dingtalk',
  payload: robotMessageSchema,
  limits(credentials) {
    const digestThreshold = credentials.kind === 'robot' ? credentials.digestThreshold : 0;
    // 20 per digest keeps one message readable on a phone and well inside any message-size limit.
    return { perWindow: ROBOT_PER_MINUTE, windowMs: 60_000, digestThreshold, digestMax: 20 };
  },
  async deliver(ctx, payload) {
    const credentials = ctx.credentials;
    if (credentials.kind !== 'robot') {
      throw new UserError({ code: 'not_a_robot', path: ['connectionId'], message: { en: 'This DingTalk connection is an app, not a robot.', 'zh-CN': '该钉钉连接是应用，不是机器人。' } });
    }
    return robotSend(ctx, credentials, payload);
  },
  digest(payloads) {
    return digestMessages(payloads);
  },
};
