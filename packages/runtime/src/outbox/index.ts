export * from './outbox-port';
export * from './drain-outbox';
export * from './outbox-drainer';
