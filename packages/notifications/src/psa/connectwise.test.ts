import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CwState, startConnectWise } from '../testing/connectwise-server.ts';
import { ConnectWiseConnector, ZConnectWiseConfig } from './connectwise.ts';

// The loopback ConnectWise is a private address: allowed explicitly, as on-prem installs do.
const net = { allowHttp: true, allowPrivate: true };
const creds = {
  companyId: 'acmemsp',
  publicKey: 'pubKEY123',
  privateKey: 'privKEY456',
  clientId: '3f1c2a4e-8d6b-4c1a-9e7f-0a1b2c3d4e5f',
};

describe('ConnectWise Manage connector against a loopback ConnectWise', () => {
  let cw: CwState;
  let connector: ConnectWiseConnector;
  beforeAll(async () => {
    cw = await startConnectWise(creds);
    connector = new ConnectWiseConnector(
      ZConnectWiseConfig.parse({
        ...creds,
        baseUrl: cw.url,
        board: 'Help Desk',
        priorities: { CRITICAL: 1, HIGH: 2 },
      }),
      net,
    );
  });
  afterAll(async () => {
    await cw?.close();
  });

  it('full lifecycle: create with board, company, status and priority mapping → note → close', async () => {
    const t = await connector.createTicket({
      incidentId: 'inc-1',
      psaCompany: 'ACME',
      summary: `disk_full on db-01 ${'x'.repeat(200)}`,
      description: 'CRITICAL · db-01 · disk_full',
      severity: 'CRITICAL',
    });
    expect(t).toEqual({ id: '1000', status: 'New', closed: false });
    const row = cw.tickets.get(1000)!;
    expect([row.board, row.company, row.priority, row.summary.length]).toEqual(['Help Desk', 'ACME', 1, 100]);
    expect(row.initialDescription).toContain('Alert Whisperer incident inc-1');
    await connector.addNote(t.id, 'Severity raised to CRITICAL');
    const closed = await connector.closeTicket(t.id, 'Resolved in Alert Whisperer');
    expect(closed).toEqual({ id: '1000', status: 'Closed (resolved)', closed: true });
    expect(row.notes).toEqual(['Severity raised to CRITICAL', 'Resolved in Alert Whisperer']);
    expect(await connector.getTicket(t.id)).toEqual(closed);
  });

  it('picks up tickets closed in the PSA', async () => {
    const a = await connector.createTicket({
      incidentId: 'a',
      psaCompany: 'ACME',
      summary: 'a',
      description: 'a',
      severity: 'LOW',
    });
    const b = await connector.createTicket({
      incidentId: 'b',
      psaCompany: 'ACME',
      summary: 'b',
      description: 'b',
      severity: 'LOW',
    });
    expect(cw.tickets.get(Number(a.id))!.priority).toBeUndefined(); // LOW is not mapped
    // A technician closes b in ConnectWise.
    Object.assign(cw.tickets.get(Number(b.id))!, { status: 'Closed (resolved)', closedFlag: true });
    expect((await connector.closedAmong([a.id, b.id, 'not-a-number'])).map((t) => t.id)).toEqual([b.id]);
    expect(await connector.closedAmong([])).toEqual([]);
  });

  it('the server refuses wrong keys, an unknown clientId and malformed tickets; errors say so', async () => {
    const wrong = new ConnectWiseConnector(
      ZConnectWiseConfig.parse({ ...creds, privateKey: 'nope', baseUrl: cw.url, board: 'Help Desk' }),
      net,
    );
    await expect(wrong.getTicket('1000')).rejects.toMatchObject({ status: 401, retryable: false });
    const otherClient = new ConnectWiseConnector(
      ZConnectWiseConfig.parse({
        ...creds,
        clientId: '00000000-0000-4000-8000-000000000000',
        baseUrl: cw.url,
        board: 'b',
      }),
      net,
    );
    await expect(otherClient.getTicket('1000')).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('clientId'),
    });
    const noBoard = new ConnectWiseConnector(
      {
        ...ZConnectWiseConfig.parse({ ...creds, baseUrl: cw.url, board: 'x' }),
        board: '',
      },
      net,
    );
    await expect(
      noBoard.createTicket({
        incidentId: 'x',
        psaCompany: 'ACME',
        summary: 's',
        description: 'd',
        severity: 'LOW',
      }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('board is required'),
    });
    await expect(connector.getTicket('999999')).rejects.toMatchObject({ status: 404 });
    expect(
      ZConnectWiseConfig.safeParse({ ...creds, clientId: 'not-a-uuid', baseUrl: cw.url, board: 'b' }).success,
    ).toBe(false);
  });
});
