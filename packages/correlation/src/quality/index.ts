export * from './scenarios.ts';
export * from './measure.ts';
export * from './runs.ts';
