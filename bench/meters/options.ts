import { parseArgs } from 'node:util';
import { z } from 'zod';

const schema = z.object({
  meters: z.coerce.number().int().min(1).max(1_000_000),
  hz: z.coerce.number().positive().max(100),
  url: z.string().regex(/^mqtts?:\/\/\S+$/i, 'url must be mqtt://host:port or mqtts://host:port'),
  topicPrefix: z.string().min(1).regex(/^[^+#]+$/, 'topic prefix must not contain + or #').transform((p) => p.replace(/\/+$/, '')),
  qos: z.coerce.number().pipe(z.union([z.literal(0), z.literal(1)])),
  clients: z.coerce.number().int().min(1).max(64),
  duration: z.coerce.number().positive().optional(),
  seed: z.coerce.number().int(),
  resetChance: z.coerce.number().min(0).max(1),
});

export type SimOptions = z.output<typeof schema>;

export const USAGE = `pnpm sim:meters [--meters 1000] [--hz 1] [--url mqtt://127.0.0.1:1883] [--topic-prefix plant/sh01/meter]
                [--qos 0|1] [--clients 4] [--duration <s>] [--seed 1] [--reset-chance 0.000001]
Publishes one JSON reading per meter every 1/hz seconds to <topic-prefix>/<meterId>/energy.`;

export function parseOptions(argv: string[]): SimOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      meters: { type: 'string', default: '1000' },
      hz: { type: 'string', default: '1' },
      url: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      'topic-prefix': { type: 'string', default: 'plant/sh01/meter' },
      qos: { type: 'string', default: '0' },
      clients: { type: 'string', default: '4' },
      duration: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'reset-chance': { type: 'string', default: '0.000001' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new Error(USAGE);
  const parsed = schema.safeParse({ ...values, topicPrefix: values['topic-prefix'], resetChance: values['reset-chance'] });
  if (!parsed.success) throw new Error(`${parsed.error.issues.map((i) => `--${String(i.path[0] ?? '')}: ${i.message}`).join('\n')}\n\n${USAGE}`);
  return parsed.data;
}
