export * from './events.ts';
export * from './scope.ts';
export * from './log.ts';
export * from './hub.ts';
export * from './sse.ts';
export * from './pusher.ts';
export * from './config.ts';
