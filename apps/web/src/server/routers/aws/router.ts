import { router } from '../../trpc';
import { availabilityProcedure } from './availability';
import {
  createActivationProcedure,
  deleteActivationProcedure,
  listActivationsProcedure,
} from './activations';
import { listNodesProcedure, syncNodesProcedure } from './nodes';
import { onboardingProcedure } from './onboarding';
import { setRoleArnProcedure } from './set-role-arn';
import { testConnectionProcedure } from './test-connection';

export const awsRouter = router({
  availability: availabilityProcedure,
  onboarding: onboardingProcedure,
  setRoleArn: setRoleArnProcedure,
  testConnection: testConnectionProcedure,
  activations: router({
    create: createActivationProcedure,
    list: listActivationsProcedure,
    delete: deleteActivationProcedure,
  }),
  nodes: router({ list: listNodesProcedure, sync: syncNodesProcedure }),
});
