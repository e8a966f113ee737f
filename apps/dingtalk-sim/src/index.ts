export { createSimulator, DEFAULT_LIMITS } from './simulator';
export type { Simulator, SimulatorOptions } from './simulator';
export type { AppConfig, Fault, FaultTarget, RobotConfig, SimLimits, SimState } from './state';
export { pushEvent } from './callbacks';
export type { PushRequest, PushResult } from './callbacks';
