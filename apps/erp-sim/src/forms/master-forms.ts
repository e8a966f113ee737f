import type { FieldType, QueryField, QueryFormDef } from './types';

// Query-only forms: stock on hand and the three base-data lists.

function fields(entries: Record<string, [string, FieldType]>): ReadonlyMap<string, QueryField> {
  return new Map(
    Object.entries(entries).map(([key, [sql, type]]) => [key.toLowerCase(), { sql, type, level: 'header' as const }]),
  );
}

function single(formId: string, from: string, order: string, map: Record<string, [string, FieldType]>): QueryFormDef {
  return { formId, fromHeader: from, fromEntry: null, where: 'TRUE', orderHeader: order, orderEntry: order, fields: fields(map) };
}

const materialName = (col: string): string => `(SELECT x.name FROM k3sim.material x WHERE x.number = ${col})`;
const stockName = (col: string): string => `(SELECT x.name FROM k3sim.stock x WHERE x.number = ${col})`;

export const INVENTORY_FORM = single('STK_Inventory', 'k3sim.inventory b', 'b.material, b.stock', {
  FID: ['b.id::text', 'text'],
  'FMaterialId.FNumber': ['b.material', 'text'],
  'FMaterialId.FName': [materialName('b.material'), 'text'],
  FMaterialId: ['COALESCE((SELECT x.id FROM k3sim.material x WHERE x.number = b.material), 0)', 'int'],
  'FStockId.FNumber': ['b.stock', 'text'],
  'FStockId.FName': [stockName('b.stock'), 'text'],
  FStockId: ['COALESCE((SELECT x.id FROM k3sim.stock x WHERE x.number = b.stock), 0)', 'int'],
  'FStockOrgId.FNumber': [`'100'::text`, 'text'],
  'FBaseUnitId.FNumber': ['(SELECT x.unit FROM k3sim.material x WHERE x.number = b.material)', 'text'],
  'FStockUnitId.FNumber': ['(SELECT x.unit FROM k3sim.material x WHERE x.number = b.material)', 'text'],
  'FLot.FNumber': ['NULL::text', 'text'],
  'FStockStatusId.FNumber': [`'KCZT01_SYS'::text`, 'text'],
  FBaseQty: ['b.base_qty', 'number'],
  FBaseAVBQty: ['b.avb_qty', 'number'],
  FQty: ['b.base_qty', 'number'],
  FAVBQty: ['b.avb_qty', 'number'],
});

export const CUSTOMER_FORM = single('BD_Customer', 'k3sim.customer b', 'b.number', {
  FCUSTID: ['b.id', 'int'],
  FNumber: ['b.number', 'text'],
  FName: ['b.name', 'text'],
  FShortName: ['b.name', 'text'],
  FDocumentStatus: [`'C'::text`, 'text'],
  FForbidStatus: [`'A'::text`, 'text'],
  'FUseOrgId.FNumber': [`'100'::text`, 'text'],
  'FCreateOrgId.FNumber': [`'100'::text`, 'text'],
});

export const MATERIAL_FORM = single('BD_MATERIAL', 'k3sim.material b', 'b.number', {
  FMATERIALID: ['b.id', 'int'],
  FNumber: ['b.number', 'text'],
  FName: ['b.name', 'text'],
  FSpecification: ['b.specification', 'text'],
  'FBaseUnitId.FNumber': ['b.unit', 'text'],
  'FStockId.FNumber': ['b.default_stock', 'text'],
  FDocumentStatus: [`'C'::text`, 'text'],
  FForbidStatus: [`'A'::text`, 'text'],
  'FUseOrgId.FNumber': [`'100'::text`, 'text'],
});

export const STOCK_FORM = single('BD_STOCK', 'k3sim.stock b', 'b.number', {
  FStockId: ['b.id', 'int'],
  FNumber: ['b.number', 'text'],
  FName: ['b.name', 'text'],
  FDocumentStatus: [`'C'::text`, 'text'],
  FForbidStatus: [`'A'::text`, 'text'],
  'FUseOrgId.FNumber': [`'100'::text`, 'text'],
});
