import { z } from 'zod';

export const ZCompanyId = z.object({ companyId: z.string().uuid() });
