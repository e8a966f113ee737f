import { z } from 'zod';
import { cloudEventSchema } from './cloud-event';

/**
 * The event a test run starts from, as a designer edits and pins it. `id`, `source` and `type` may be
 * pasted along with a real event but are not used: a test run's event gets a fresh id, the source
 * `qiao:test-run` and the type the flow's trigger listens to.
 */
export const sampleEventSchema = z.object({
  id: z.string().max(256).optional(),
  source: z.string().max(1024).optional(),
  type: z.string().max(256).optional(),
  specversion: z.string().max(10).optional(),
  datacontenttype: z.string().max(256).optional(),
  subject: z.string().max(1024).nullish(),
  time: z.iso.datetime({ offset: true, error: 'time must be an RFC 3339 timestamp' }).nullish(),
  data: z.json({ error: 'data must be JSON (an object, array, string, number, boolean or null)' }),
}, { error: 'The sample event must be a JSON object with a "data" field.' });

export type SampleEvent = z.output<typeof sampleEventSchema>;

export const TEST_RUN_SOURCE = 'qiao:test-run';

/** The CloudEvent a test run of a flow triggered by `eventType` processes (checked like a gateway event). */
export function testRunEvent(sample: SampleEvent, eventType: string, id: string) {
  return cloudEventSchema.safeParse({
    specversion: '1.0', id, source: TEST_RUN_SOURCE, type: eventType,
    ...(sample.subject ? { subject: sample.subject } : {}),
    ...(sample.time ? { time: sample.time } : {}),
    data: sample.data,
  });
}
