export * from './schedulable-cluster.js';
export * from './schedule-placement.js';
export * from './resource-request.js';
export * from './policy-selection.js';
