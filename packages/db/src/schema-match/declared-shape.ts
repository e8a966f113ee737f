// What schema.prisma declares, as PostgreSQL should report it. Read offline through Prisma's DMMF from
// @prisma/prisma-schema-wasm (the same parser the CLI embeds), mapped with Prisma's PostgreSQL rules.
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { z } from 'zod';
import { normaliseDeclaredDefault } from './default-values';
import type { ColumnShape, DbShape, ForeignKeyShape, IndexShape, ReferentialAction } from './shape';

const referentialAction = z.enum(['Cascade', 'Restrict', 'NoAction', 'SetNull', 'SetDefault']);

const dmmfField = z.object({
  name: z.string(),
  dbName: z.string().nullish(),
  kind: z.enum(['scalar', 'object', 'enum', 'unsupported']),
  isList: z.boolean(),
  isRequired: z.boolean(),
  type: z.string(),
  nativeType: z.tuple([z.string(), z.array(z.string())]).nullish(),
  default: z.unknown().optional(),
  relationFromFields: z.array(z.string()).optional(),
  relationToFields: z.array(z.string()).optional(),
  relationOnDelete: referentialAction.optional(),
  relationOnUpdate: referentialAction.optional(),
});

const dmmf = z.object({
  datamodel: z.object({
    enums: z.array(
      z.object({
        name: z.string(),
        dbName: z.string().nullish(),
        values: z.array(z.object({ name: z.string(), dbName: z.string().nullish() })),
      }),
    ),
    models: z.array(z.object({ name: z.string(), dbName: z.string().nullish(), fields: z.array(dmmfField) })),
    indexes: z.array(
      z.object({
        model: z.string(),
        type: z.enum(['id', 'normal', 'unique', 'fulltext']),
        dbName: z.string().nullish(),
        algorithm: z.string().optional(),
        fields: z.array(z.object({ name: z.string(), sortOrder: z.enum(['asc', 'desc']).optional() })),
      }),
    ),
  }),
});

type DmmfField = z.infer<typeof dmmfField>;
type DmmfModel = z.infer<typeof dmmf>['datamodel']['models'][number];

// PostgreSQL's identifier limit; Prisma shortens the `<table>_<columns>` part to fit it.
const MAX_IDENTIFIER = 63;

function prismaConstraintName(table: string, columns: string[], suffix: string): string {
  const base = columns.length === 0 ? table : `${table}_${columns.join('_')}`;
  return `${base.slice(0, MAX_IDENTIFIER - suffix.length)}${suffix}`;
}

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Boolean: 'boolean',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

function withArgs(base: string, args: string[]): string {
  return args.length === 0 ? base : `${base}(${args.join(',')})`;
}

/** `@db.X(args)` in format_type() spelling. */
function nativeTypeToPg(name: string, args: string[]): string {
  const timeLike = (base: string, zone: string) =>
    args.length === 0 ? `${base} ${zone}` : `${base}(${args.join(',')}) ${zone}`;
  const simple: Record<string, string> = {
    Text: 'text', Uuid: 'uuid', Xml: 'xml', Inet: 'inet', Citext: 'citext', Boolean: 'boolean',
    Integer: 'integer', SmallInt: 'smallint', BigInt: 'bigint', Oid: 'oid', Money: 'money', Real: 'real',
    DoublePrecision: 'double precision', Date: 'date', Json: 'json', JsonB: 'jsonb', ByteA: 'bytea',
  };
  const known = simple[name];
  if (known !== undefined) return known;
  switch (name) {
    case 'VarChar': return withArgs('character varying', args);
    case 'Char': return withArgs('character', args.length === 0 ? ['1'] : args);
    case 'Bit': return withArgs('bit', args.length === 0 ? ['1'] : args);
    case 'VarBit': return withArgs('bit varying', args);
    case 'Decimal': return withArgs('numeric', args);
    case 'Timestamp': return timeLike('timestamp', 'without time zone');
    case 'Timestamptz': return timeLike('timestamp', 'with time zone');
    case 'Time': return timeLike('time', 'without time zone');
    case 'Timetz': return timeLike('time', 'with time zone');
    default: throw new Error(`schema-match: @db.${name} is not mapped yet; add it to nativeTypeToPg`);
  }
}

function columnType(field: DmmfField, enumDbNames: Map<string, string>): string {
  const list = field.isList ? '[]' : '';
  if (field.kind === 'enum') return `${enumDbNames.get(field.type) ?? field.type}${list}`;
  if (field.nativeType) return `${nativeTypeToPg(field.nativeType[0], field.nativeType[1])}${list}`;
  const scalar = SCALAR_TYPES[field.type];
  if (scalar === undefined) throw new Error(`schema-match: Prisma type ${field.type} is not mapped yet`);
  return `${scalar}${list}`;
}

/** DMMF drops `@relation(map: ...)`, so read it from the field's line in the schema text. */
function relationMapName(schema: string, model: string, field: string): string | undefined {
  const block = new RegExp(`^model\\s+${model}\\s*\\{([\\s\\S]*?)^\\}`, 'm').exec(schema)?.[1];
  const line = block?.split('\n').find((l) => new RegExp(`^\\s*${field}\\s`).test(l));
  return line === undefined ? undefined : /@relation\([^)]*\bmap:\s*"([^"]+)"/.exec(line)?.[1];
}

/** Enum defaults name Prisma's value; the database holds its @map name. */
function enumDefault(value: unknown, values: Map<string, string> | undefined): unknown {
  if (values === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => enumDefault(v, values));
  return typeof value === 'string' ? (values.get(value) ?? value) : value;
}

function modelColumns(model: DmmfModel, table: string, enums: EnumMaps): ColumnShape[] {
  return model.fields
    .filter((f) => f.kind === 'scalar' || f.kind === 'enum')
    .map((f) => ({
      table,
      column: f.dbName ?? f.name,
      type: columnType(f, enums.names),
      // Prisma never puts NOT NULL on scalar lists.
      nullable: !f.isRequired || f.isList,
      default: normaliseDeclaredDefault(f.kind === 'enum' ? enumDefault(f.default, enums.values.get(f.type)) : f.default, {
        isJson: f.type === 'Json' && !f.isList,
      }),
    }));
}

function modelForeignKeys(schema: string, model: DmmfModel, ctx: Ctx): ForeignKeyShape[] {
  const table = ctx.tableOf(model.name);
  return model.fields
    .filter((f) => f.kind === 'object' && (f.relationFromFields?.length ?? 0) > 0)
    .map((f) => {
      const columns = (f.relationFromFields ?? []).map((name) => ctx.columnOf(model.name, name));
      // Prisma's defaults: Restrict for a required relation, SetNull for an optional one; Cascade on update.
      const onDelete: ReferentialAction = f.relationOnDelete ?? (f.isRequired ? 'Restrict' : 'SetNull');
      return {
        table,
        name: relationMapName(schema, model.name, f.name) ?? prismaConstraintName(table, columns, '_fkey'),
        columns,
        refTable: ctx.tableOf(f.type),
        refColumns: (f.relationToFields ?? []).map((name) => ctx.columnOf(f.type, name)),
        onDelete,
        onUpdate: f.relationOnUpdate ?? 'Cascade',
      };
    });
}

interface EnumMaps {
  /** Prisma enum name -> database type name. */
  names: Map<string, string>;
  /** Prisma enum name -> (value -> database label). */
  values: Map<string, Map<string, string>>;
}

interface Ctx {
  tableOf(model: string): string;
  columnOf(model: string, field: string): string;
}

export function declaredShape(schema: string): DbShape {
  const params = JSON.stringify({ prismaSchema: [['schema.prisma', schema]], noColor: true });
  const parsed = dmmf.parse(JSON.parse(get_dmmf(params)));
  const { models, enums, indexes } = parsed.datamodel;
  const modelsByName = new Map(models.map((m) => [m.name, m]));
  const ctx: Ctx = {
    tableOf: (name) => modelsByName.get(name)?.dbName ?? name,
    columnOf: (modelName, field) => {
      const f = modelsByName.get(modelName)?.fields.find((candidate) => candidate.name === field);
      return f?.dbName ?? field;
    },
  };
  const enumMaps: EnumMaps = {
    names: new Map(enums.map((e) => [e.name, e.dbName ?? e.name])),
    values: new Map(enums.map((e) => [e.name, new Map(e.values.map((v) => [v.name, v.dbName ?? v.name]))])),
  };

  const indexShapes: IndexShape[] = indexes.map((index) => {
    const table = ctx.tableOf(index.model);
    const columns = index.fields.map((f) => ctx.columnOf(index.model, f.name));
    const kind = index.type === 'id' ? 'primary' : index.type === 'unique' ? 'unique' : 'index';
    const suffix = kind === 'primary' ? '_pkey' : kind === 'unique' ? '_key' : '_idx';
    return {
      table,
      kind,
      name: index.dbName ?? prismaConstraintName(table, kind === 'primary' ? [] : columns, suffix),
      columns: columns.map((c, i) => (index.fields[i]?.sortOrder === 'desc' ? `${c} DESC` : c)),
      method: (index.algorithm ?? 'BTree').toLowerCase(),
      partial: false,
    };
  });

  return {
    tables: models.map((m) => m.dbName ?? m.name),
    columns: models.flatMap((m) => modelColumns(m, m.dbName ?? m.name, enumMaps)),
    indexes: indexShapes,
    foreignKeys: models.flatMap((m) => modelForeignKeys(schema, m, ctx)),
    enums: enums.map((e) => ({ name: e.dbName ?? e.name, values: e.values.map((v) => v.dbName ?? v.name) })),
  };
}
