export * from './report';
export * from './compare';
export * from './document-types';
export * from './erp-query';
export * from './gather-erp';
export * from './gather-qiao';
export * from './reconcile';
