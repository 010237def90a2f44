import { router } from '../../trpc';
import {
  createKeyProcedure,
  listKeysProcedure,
  revokeKeyProcedure,
  rotateKeyProcedure,
  setAllowUnsignedProcedure,
} from './keys';
import {
  deleteMappingProcedure,
  listMappingsProcedure,
  previewMappingProcedure,
  saveMappingProcedure,
} from './mappings';
import {
  curlExampleProcedure,
  revealSecretProcedure,
  rotateSecretProcedure,
  setHmacRequiredProcedure,
} from './secrets';

export const ingestRouter = router({
  keys: router({
    list: listKeysProcedure,
    create: createKeyProcedure,
    rotate: rotateKeyProcedure,
    revoke: revokeKeyProcedure,
    setAllowUnsigned: setAllowUnsignedProcedure,
  }),
  secret: router({
    rotate: rotateSecretProcedure,
    reveal: revealSecretProcedure,
    setHmacRequired: setHmacRequiredProcedure,
    curlExample: curlExampleProcedure,
  }),
  mappings: router({
    list: listMappingsProcedure,
    save: saveMappingProcedure,
    delete: deleteMappingProcedure,
    preview: previewMappingProcedure,
  }),
});
