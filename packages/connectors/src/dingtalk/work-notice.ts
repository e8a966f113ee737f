import { z } from 'zod';

const button = z.object({ title: z.string().min(1), action_url: z.string().min(1) });

/** A work-notification `msg` as asyncsend_v2 takes it. Note the snake_case `action_card` (robots use camelCase). */
export const workNoticeMessageSchema = z.discriminatedUnion('msgtype', [
  z.object({ msgtype: z.literal('text'), text: z.object({ content: z.string().min(1) }) }),
  z.object({ msgtype: z.literal('markdown'), markdown: z.object({ title: z.string().min(1), text: z.string().min(1) }) }),
  z.object({ msgtype: z.literal('link'), link: z.object({ messageUrl: z.string().min(1), picUrl: z.string().min(1), title: z.string().min(1), text: z.string().min(1) }) }),
  z.object({
    msgtype: z.literal('action_card'),
    action_card: z.object({
      title: z.string().min(1),
      markdown: z.string().min(1),
      single_title: z.string().min(1).optional(),
      single_url: z.string().min(1).optional(),
      btn_orientation: z.enum(['0', '1']).optional(),
      btn_json_list: z.array(button).min(1).optional(),
    }),
  }),
]);

export type WorkNoticeMessage = z.output<typeof workNoticeMessageSchema>;

export const sendResultSchema = z.object({
  invalidUsers: z.array(z.string()),
  forbiddenUsers: z.array(z.string()),
  failedUsers: z.array(z.string()),
  readUsers: z.array(z.string()),
  unreadUsers: z.array(z.string()),
  invalidDepts: z.array(z.string()),
});

export type SendResult = z.output<typeof sendResultSchema>;

function ids(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((v) => (typeof v === 'object' && v !== null && 'userid' in v ? String((v as { userid: unknown }).userid) : String(v)));
}

/** getsendresult's `send_result` → our names. `forbidden_list` holds {code, count, userid} entries. */
export function parseSendResult(raw: unknown): SendResult {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const forbidden = new Set([...ids(r['forbidden_user_id_list']), ...ids(r['forbidden_list'])]);
  return {
    invalidUsers: ids(r['invalid_user_id_list']),
    forbiddenUsers: [...forbidden],
    failedUsers: ids(r['failed_user_id_list']),
    readUsers: ids(r['read_user_id_list']),
    unreadUsers: ids(r['unread_user_id_list']),
    invalidDepts: ids(r['invalid_dept_id_list']),
  };
}
