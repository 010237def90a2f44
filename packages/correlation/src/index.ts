export * from './engine/index.ts';
export * from './store/index.ts';
export * from './kpi/index.ts';
export * from './backtest/index.ts';
export * from './sql-runner.ts';
export * from './services/index.ts';
