// The PSA connector contract: what any PSA (ConnectWise Manage first; Autotask and HaloPSA next)
// must do for the incident lifecycle. Connectors are plain HTTP clients with no database: mapping
// and ticket links live with the caller.
import type { TSeverity } from '../types.ts';

export interface PsaTicketInput {
  /** Our incident id, recorded in the ticket so a human can find the incident. */
  incidentId: string;
  /** The company as the PSA knows it (ConnectWise: company identifier). */
  psaCompany: string;
  summary: string;
  description: string;
  severity: TSeverity;
}

export interface PsaTicket {
  id: string;
  status: string;
  closed: boolean;
}

export interface PsaConnector {
  readonly kind: string;
  createTicket(t: PsaTicketInput): Promise<PsaTicket>;
  addNote(ticketId: string, text: string): Promise<void>;
  closeTicket(ticketId: string, note: string): Promise<PsaTicket>;
  getTicket(ticketId: string): Promise<PsaTicket>;
  /** Of these tickets, the ones closed in the PSA (to resolve their incidents here). */
  closedAmong(ticketIds: string[]): Promise<PsaTicket[]>;
}

export class PsaError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
