export { FakeAws, AwsError, type FakeAwsOptions } from './server.ts';
export { resolveTemplate, type CfnTemplate, type ProvisionedRole } from './cfn.ts';
export {
  grantedActions,
  isAllowed,
  wildcardMatch,
  type PolicyDocument,
  type PolicyStatement,
} from './policy.ts';
export { parseAuthorization, verifySigV4 } from './sigv4.ts';
export type { FakeState, FakeInstance, FakeActivation } from './state.ts';
export type { AutomationBehaviour, CommandBehaviour, CommandOutcome } from './ssm-behaviour.ts';
export type { FakePatch, FakePatchNode, FakePatchBaseline, FakeBucket } from './state.ts';
export {
  DEMO_PATCH_FLEET,
  DEMO_BASELINES,
  seedPatchFleet,
  patchNode,
  type FleetNode,
} from './patch-fleet.ts';
export { patchCounts, complianceSeverity } from './ssm-patch.ts';
