import { router } from '../../trpc';
import { changeRoleProcedure } from './change-role';
import { invite } from './invite';
import { list } from './list';
import { remove } from './remove';
import { revokeInvitationProcedure } from './revoke-invitation';

export const membersRouter = router({
  list,
  invite,
  remove,
  changeRole: changeRoleProcedure,
  revokeInvitation: revokeInvitationProcedure,
});
