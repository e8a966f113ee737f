export * from './state';
export * from './events';
export * from './backoff';
export * from './advance';
