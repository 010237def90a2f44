// The company's Kubernetes clusters (docs/OPERATOR.md): list them and mint the install for a new one.
import { router } from '../../trpc';
import { createInstallProcedure } from './create-install';
import { listProcedure } from './list';

export const sitesRouter = router({
  list: listProcedure,
  createInstall: createInstallProcedure,
});
