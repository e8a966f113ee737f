// Prisma CLI configuration. The CLI wants a native schema engine it would download from Prisma's
// host; `generate` does not use it, so point it at any existing file (see prisma/README.md).
import path from 'node:path';
import { defineConfig } from 'prisma/config';

process.env['PRISMA_SCHEMA_ENGINE_BINARY'] ??= path.join(import.meta.dirname, 'prisma/README.md');
process.env['CHECKPOINT_DISABLE'] ??= '1';

export default defineConfig({
  schema: path.join(import.meta.dirname, 'prisma/schema.prisma'),
  migrations: { path: path.join(import.meta.dirname, 'prisma/migrations') },
});
