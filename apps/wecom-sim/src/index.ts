export { createWecomSimulator } from './simulator';
export type { WecomSimulator, WecomSimulatorOptions } from './simulator';
export { DEMO_CORP, DEMO_CALLBACK } from './seed';
export type { SimCorp, SimApp } from './seed';
export type { CallbackTarget, Delivery, Tamper } from './callbacks';
export type { FaultConfig, FaultUpdate, FailNext } from './faults';
export type { AppMessageRecord, RobotMessageRecord, SimCounters } from './state';
