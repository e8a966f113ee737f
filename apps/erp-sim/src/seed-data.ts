// Demo master data and credentials. Exported so tests and demos elsewhere can refer to the same values
// without importing anything else from the simulator.

export const DATA_CENTER = { id: 'QIAO_DEMO', number: 'QIAO_DEMO', name: '桥演示账套' } as const;

export const DEMO_USER = { userId: 100008, username: 'demo', password: 'demo123' } as const;

export const DEMO_APP = {
  appId: 'qiaodemo_0123456789abcdef0123456789abcdef',
  appSecret: 'qiao-demo-secret',
} as const;

export const SUPPORTED_LCIDS: readonly number[] = [2052, 1033];

export const ORGANIZATIONS = [{ id: 100, number: '100', name: '桥演示制造有限公司' }] as const;

export interface SeedCustomer {
  id: number;
  number: string;
  name: string;
}

export const CUSTOMERS: readonly SeedCustomer[] = [
  { id: 100101, number: 'CUST0001', name: '苏州精工机械有限公司' },
  { id: 100102, number: 'CUST0002', name: '无锡华东电机股份有限公司' },
  { id: 100103, number: 'CUST0003', name: '宁波海天注塑设备有限公司' },
  { id: 100104, number: 'CUST0004', name: '常州恒力液压件厂' },
  { id: 100105, number: 'CUST0005', name: '杭州东方数控科技有限公司' },
  { id: 100106, number: 'CUST0006', name: '南通远洋船舶配件有限公司' },
  { id: 100107, number: 'CUST0007', name: '嘉兴长城五金制品有限公司' },
  { id: 100108, number: 'CUST0008', name: '昆山新锐电子有限公司' },
  { id: 100109, number: 'CUST0009', name: '温州瑞安汽配有限公司' },
  { id: 100110, number: 'CUST0010', name: '合肥江淮精密铸造有限公司' },
];

export interface SeedStock {
  id: number;
  number: string;
  name: string;
}

export const STOCKS: readonly SeedStock[] = [
  { id: 100201, number: 'CK001', name: '成品仓' },
  { id: 100202, number: 'CK002', name: '原料仓' },
];

export interface SeedMaterial {
  id: number;
  number: string;
  name: string;
  specification: string;
  unit: string;
  /** Default warehouse used when an outbound entry names none; null for the material kept without one. */
  defaultStock: string | null;
}

const MATERIAL_NAMES: readonly (readonly [string, string])[] = [
  ['深沟球轴承', '6204-2RS'],
  ['法兰盘', 'DN50 PN16'],
  ['液压油缸', 'HSG80/45'],
  ['齿轮减速机', 'R37 i=20'],
  ['伺服电机', '1.5kW 2000rpm'],
  ['直线导轨', 'HGR20 1000mm'],
  ['滚珠丝杠', 'SFU1605 800mm'],
  ['气缸', 'SC63x100'],
  ['同步带轮', 'HTD5M 30T'],
  ['联轴器', 'GR28 梅花'],
  ['电磁阀', '4V210-08 DC24V'],
  ['变频器', '7.5kW 380V'],
  ['不锈钢管件', 'SUS304 DN25 弯头'],
  ['密封圈', 'O型 NBR 50x3'],
  ['铝型材', '4040 1000mm'],
  ['控制柜', '600x800x300'],
  ['接近开关', 'M12 NPN 常开'],
  ['链轮', '08B 17T'],
  ['精密主轴', 'BT40 12000rpm'],
  ['数控刀塔', '8工位 液压'],
];

export const MATERIALS: readonly SeedMaterial[] = MATERIAL_NAMES.map(([name, specification], index) => ({
  id: 100301 + index,
  number: `01.${String(index + 1).padStart(3, '0')}`,
  name,
  specification,
  unit: 'Pcs',
  // 01.018 has no default warehouse so a pushed outbound without FStockId ends up incomplete (draft tests).
  defaultStock: index + 1 === 18 ? null : 'CK001',
}));

export interface SeedInventory {
  material: string;
  stock: string;
  qty: string;
}

/** Stock large enough that benchmarks never run out, except two materials kept scarce for refusal tests. */
export const LOW_STOCK: Readonly<Record<string, string>> = { '01.019': '5', '01.020': '0' };

export const INVENTORY: readonly SeedInventory[] = MATERIALS.map((m) => ({
  material: m.number,
  stock: 'CK001',
  qty: LOW_STOCK[m.number] ?? '1000000',
}));

export const SESSION_LOST_MESSAGE = '会话信息已丢失，请重新登录';
