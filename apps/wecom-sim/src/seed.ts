/** The demo corporation the simulator starts with (override with SimulatorOptions.corp). */
export interface SimApp {
  agentId: number;
  secret: string;
  name: string;
}

export interface SimCorp {
  corpId: string;
  apps: SimApp[];
  users: string[];
  /** Department ids. */
  departments: string[];
  /** Tag ids. */
  tags: string[];
  /** Group robot webhook keys. */
  robotKeys: string[];
}

export const DEMO_CORP: SimCorp = {
  corpId: 'ww5f3c2a1b0d9e8f70',
  apps: [
    { agentId: 1000002, secret: 'qiao-wecom-demo-secret-0000000000000000000', name: '桥 Qiao' },
    { agentId: 1000003, secret: 'qiao-wecom-other-secret-000000000000000000', name: '审批助手' },
  ],
  users: ['zhangsan', 'lisi', 'wangwu', 'zhaoliu', 'caiwu01'],
  departments: ['1', '2', '3'],
  tags: ['1', '2'],
  robotKeys: ['693a91f6-7a1b-4bc4-97a0-0ec251fa5aaa'],
};

/** The callback secrets of the demo app (what an admin would type into WeCom's console and into Qiao). */
export const DEMO_CALLBACK = {
  token: 'QiaoDemoToken2026',
  encodingAesKey: 'qiaoDemoEncodingAesKey0123456789abcdefghijk',
};
