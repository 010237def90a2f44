import { router } from '../../trpc';
import { changeRoleProcedure } from './change-role';
import { inviteProcedure } from './invite';
import { listProcedure } from './list';
import { removeProcedure } from './remove';
import { revokeInvitationProcedure } from './revoke-invitation';

export const membersRouter = router({
  list: listProcedure,
  invite: inviteProcedure,
  remove: removeProcedure,
  changeRole: changeRoleProcedure,
  revokeInvitation: revokeInvitationProcedure,
});
