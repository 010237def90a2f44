export * from './apply.ts';
export * from './worker.ts';
export { inTransaction, lockCompany, q, type Queryable } from './sql.ts';
export { loadCompanyConfig, loadRules, toEngineAlert, ALERT_COLUMNS } from './rows.ts';
export * from './wake.ts';
