export * from './types.ts';
export * from './crds.ts';
export * from './conditions.ts';
