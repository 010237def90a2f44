import { router } from '../../trpc';
import { activationsRouter } from './activations/router';
import { availabilityProcedure } from './availability';
import { nodesRouter } from './nodes/router';
import { onboardingProcedure } from './onboarding';
import { setRoleArnProcedure } from './set-role-arn';
import { testConnectionProcedure } from './test-connection';

export const awsRouter = router({
  availability: availabilityProcedure,
  onboarding: onboardingProcedure,
  setRoleArn: setRoleArnProcedure,
  testConnection: testConnectionProcedure,
  activations: activationsRouter,
  nodes: nodesRouter,
});
