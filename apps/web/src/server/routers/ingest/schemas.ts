import { z } from 'zod';

export const ZCompanyId = z.string().uuid();
/** One API key of one company. */
export const ZKeyRef = z.object({ companyId: ZCompanyId, id: z.string().uuid() });
export const ZMappingName = z.string().trim().min(1).max(100);
