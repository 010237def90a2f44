export * from './engine/index.ts';
export * from './store/index.ts';
