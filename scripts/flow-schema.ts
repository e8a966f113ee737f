// Writes the flow document's JSON Schema (generated from the zod schema) for editors and other tools:
//   pnpm schema:flow
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { flowDocumentJsonSchema } from '@qiao/flow';

const target = path.resolve(import.meta.dirname, '../packages/flow/flow-document.schema.json');
writeFileSync(target, `${JSON.stringify(flowDocumentJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), target)}`);
