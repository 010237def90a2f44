export * from './authenticate.ts';
export * from './access.ts';
