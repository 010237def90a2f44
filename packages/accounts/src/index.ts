export * from './authenticate.ts';
export * from './access.ts';
export * from './audit.ts';
export * from './invitations.ts';
export * from './mail.ts';
export * from './members.ts';
export * from './password-reset.ts';
export * from './signup.ts';
