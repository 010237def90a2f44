import { router } from '../../../trpc';
import { deleteProcedure } from './delete';
import { listProcedure } from './list';
import { previewProcedure } from './preview';
import { saveProcedure } from './save';

/** Generic-webhook field mappings (`ingest.mappings.*`). */
export const mappingsRouter = router({
  list: listProcedure,
  save: saveProcedure,
  delete: deleteProcedure,
  preview: previewProcedure,
});
