export * from './access.ts';
export * from './incidents.ts';
export * from './settings.ts';
export * from './reports.ts';
export * from './situations.ts';
export * from './situation-settings.ts';
