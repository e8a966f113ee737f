export { createSimulator } from './simulator';
export type { Simulator, SimulatorOptions, SimulatorStore } from './simulator';
export type { SimStats } from './http/sim-routes';
export type { FaultConfig, FaultUpdate } from './faults';
export { MsgCode } from './envelope';
export * from './seed-data';
