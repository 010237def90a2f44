export * from './errors.ts';
export * from './crypto.ts';
export * from './password.ts';
export * from './regex.ts';
export * from './domain.ts';
export * from './permissions.ts';
