// Test helpers of @aw/ingest (`@aw/ingest/testing`): tenants with keys and secrets, signed
// requests, and a fake SNS signer for CloudWatch-over-SNS deliveries.
export * from './sns-signer.ts';
export * from './tenants.ts';
