// ConnectWise Manage (PSA) REST API 3.0 with an API member's keys:
//   Authorization: Basic base64("<companyId>+<publicKey>:<privateKey>")
//   clientId: <the integrator's client id>
// Tickets: POST /service/tickets, POST /service/tickets/{id}/notes, PATCH /service/tickets/{id}
// (JSON Patch), GET /service/tickets/{id}, GET /service/tickets?conditions=…
import { z } from 'zod';
import { DestinationRefused, guardedRequest, type NetOptions } from '../net/request.ts';
import type { TSeverity } from '../types.ts';
import { PsaError, type PsaConnector, type PsaTicket, type PsaTicketInput } from './types.ts';

export const ZConnectWiseConfig = z.object({
  /** e.g. https://api-na.myconnectwise.net/v4_6_release/apis/3.0 */
  baseUrl: z.string().url(),
  companyId: z.string().min(1).max(100),
  publicKey: z.string().min(1).max(100),
  privateKey: z.string().min(1).max(200),
  clientId: z.string().uuid(),
  board: z.string().min(1).max(100),
  /** Status names on that board. */
  newStatus: z.string().min(1).max(100).default('New'),
  closedStatus: z.string().min(1).max(100).default('Closed (resolved)'),
  /** Our severity → ConnectWise priority id. */
  priorities: z.record(z.string(), z.number().int()).default({}),
});
export type TConnectWiseConfig = z.infer<typeof ZConnectWiseConfig>;

interface CwTicket {
  id: number;
  status?: { name?: string };
  closedFlag?: boolean;
}

export class ConnectWiseConnector implements PsaConnector {
  readonly kind = 'connectwise';
  private readonly base: string;
  private readonly auth: string;

  constructor(
    private readonly cfg: TConnectWiseConfig,
    private readonly opts: { timeoutMs?: number; allowHttp?: boolean } & NetOptions = {},
  ) {
    this.base = cfg.baseUrl.replace(/\/+$/, '');
    this.auth = `Basic ${Buffer.from(`${cfg.companyId}+${cfg.publicKey}:${cfg.privateKey}`).toString('base64')}`;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(`${this.base}${path}`);
    if (url.protocol !== 'https:' && !(this.opts.allowHttp && url.protocol === 'http:'))
      throw new PsaError(`ConnectWise URL must use https (got ${url.protocol})`, 0, false);
    let res: { status: number; body: string };
    try {
      res = await guardedRequest(
        url,
        {
          method,
          headers: {
            Authorization: this.auth,
            clientId: this.cfg.clientId,
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          timeoutMs: this.opts.timeoutMs ?? 15_000,
        },
        this.opts,
      );
    } catch (e) {
      throw new PsaError(`ConnectWise: ${(e as Error).message}`, 0, !(e instanceof DestinationRefused));
    }
    const text = res.body;
    if (res.status < 200 || res.status >= 300) {
      const retryable = res.status === 429 || res.status >= 500;
      throw new PsaError(
        `ConnectWise ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`,
        res.status,
        retryable,
      );
    }
    return (text ? JSON.parse(text) : null) as T;
  }

  private ticket(t: CwTicket): PsaTicket {
    return { id: String(t.id), status: t.status?.name ?? '', closed: Boolean(t.closedFlag) };
  }

  private priority(s: TSeverity) {
    const id = this.cfg.priorities[s];
    return id === undefined ? {} : { priority: { id } };
  }

  async createTicket(t: PsaTicketInput): Promise<PsaTicket> {
    const created = await this.call<CwTicket>('POST', '/service/tickets', {
      // ConnectWise caps the summary at 100 characters.
      summary: t.summary.slice(0, 100),
      board: { name: this.cfg.board },
      company: { identifier: t.psaCompany },
      status: { name: this.cfg.newStatus },
      ...this.priority(t.severity),
      initialDescription: `${t.description}\n\nAlert Whisperer incident ${t.incidentId}`,
    });
    return this.ticket(created);
  }

  async addNote(ticketId: string, text: string): Promise<void> {
    await this.call('POST', `/service/tickets/${encodeURIComponent(ticketId)}/notes`, {
      text,
      detailDescriptionFlag: true,
      internalAnalysisFlag: false,
    });
  }

  async closeTicket(ticketId: string, note: string): Promise<PsaTicket> {
    await this.addNote(ticketId, note);
    const t = await this.call<CwTicket>('PATCH', `/service/tickets/${encodeURIComponent(ticketId)}`, [
      { op: 'replace', path: 'status', value: { name: this.cfg.closedStatus } },
    ]);
    return this.ticket(t);
  }

  async getTicket(ticketId: string): Promise<PsaTicket> {
    return this.ticket(await this.call<CwTicket>('GET', `/service/tickets/${encodeURIComponent(ticketId)}`));
  }

  async closedAmong(ticketIds: string[]): Promise<PsaTicket[]> {
    const ids = ticketIds.filter((id) => /^\d+$/.test(id));
    if (!ids.length) return [];
    const conditions = `closedFlag=true AND id in (${ids.join(',')})`;
    const rows = await this.call<CwTicket[]>(
      'GET',
      `/service/tickets?conditions=${encodeURIComponent(conditions)}&fields=id,status,closedFlag&pageSize=1000`,
    );
    return rows.map((r) => this.ticket(r));
  }
}
