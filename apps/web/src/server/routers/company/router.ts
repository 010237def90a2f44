import { router } from '../../trpc';
import { createProcedure } from './create';
import { getProcedure } from './get';
import { listProcedure } from './list';
import { setOnboardingStepProcedure } from './set-onboarding-step';
import { updateProfileProcedure } from './update-profile';

export const companyRouter = router({
  list: listProcedure,
  get: getProcedure,
  create: createProcedure,
  updateProfile: updateProfileProcedure,
  setOnboardingStep: setOnboardingStepProcedure,
});
