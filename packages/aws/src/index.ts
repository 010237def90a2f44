export * from './credentials.ts';
export * from './errors.ts';
export * from './install-commands.ts';
export * from './runtime.ts';
export * from './service.ts';
export * from './ssm.ts';
export * from './patch-reads.ts';
export * from './template.ts';
