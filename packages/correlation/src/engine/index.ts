export * from './types.ts';
export * from './fields.ts';
export * from './schedule.ts';
export * from './state.ts';
export * from './pipeline.ts';
export * from './engine.ts';
export * from './situations.ts';
export * from './situation-tracker.ts';
