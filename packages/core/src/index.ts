export * from './errors.ts';
export * from './crypto.ts';
export * from './password.ts';
export * from './regex.ts';
