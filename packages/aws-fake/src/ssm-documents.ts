// SSM documents: CreateDocument, UpdateDocument, DeleteDocument.
import type { Caller, ServiceContext } from './context.ts';
import { AWS_DOCUMENTS } from './state.ts';
import { AwsError, secs, validation, str } from './wire.ts';

export function documentArn(r: string, acct: string, name: string) {
  return name in AWS_DOCUMENTS
    ? `arn:aws:ssm:${r}::document/${name}`
    : `arn:aws:ssm:${r}:${acct}:document/${name}`;
}

export function documentOp(svc: ServiceContext, caller: Caller, op: string, input: Record<string, unknown>) {
  const acct = caller.account.id;
  const r = caller.region;
  const region = svc.region(acct, r);
  const name = str(input.Name);
  svc.authorize(caller, `ssm:${op}`, documentArn(r, acct, name));
  if (!/^[a-zA-Z0-9_.-]{3,128}$/.test(name))
    throw validation(
      'name',
      name,
      'Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.]{3,128}$',
    );
  const doc = region.documents[name];
  if (op === 'DeleteDocument') {
    if (!doc) throw new AwsError('InvalidDocument', `Document ${name} does not exist in your account`);
    delete region.documents[name];
    return {};
  }
  const content = str(input.Content);
  const format = (input.DocumentFormat as 'JSON' | 'YAML' | undefined) ?? 'JSON';
  if (!content) throw validation('content', '', 'Member must have length greater than or equal to 1');
  if (format === 'JSON') {
    try {
      JSON.parse(content);
    } catch {
      throw new AwsError('InvalidDocumentContent', 'The content for the document is not valid.');
    }
  }
  const describe = (d: NonNullable<typeof doc>) => ({
    DocumentDescription: {
      Name: d.Name,
      Owner: d.Owner,
      DocumentType: d.DocumentType,
      DocumentFormat: d.DocumentFormat,
      DocumentVersion: String(d.versions.length),
      LatestVersion: String(d.versions.length),
      DefaultVersion: d.DefaultVersion,
      Status: 'Active',
      CreatedDate: secs(d.CreatedDate),
    },
  });
  if (op === 'CreateDocument') {
    if (/^(aws|amazon|amzn)/i.test(name))
      throw new AwsError(
        'ValidationException',
        'Document names cannot start with the reserved prefixes aws, amazon or amzn.',
      );
    if (doc) throw new AwsError('DocumentAlreadyExists', `Document with name ${name} already exists.`);
    const type = (input.DocumentType as string | undefined) ?? 'Command';
    if (type !== 'Command' && type !== 'Automation')
      throw validation('documentType', type, 'Member must satisfy enum value set: [Command, Automation]');
    region.documents[name] = {
      Name: name,
      Owner: acct,
      DocumentType: type,
      DocumentFormat: format,
      versions: [content],
      DefaultVersion: '1',
      CreatedDate: svc.now(),
    };
    return describe(region.documents[name]!);
  }
  if (!doc) throw new AwsError('InvalidDocument', `Document ${name} does not exist in your account`);
  if (doc.versions.at(-1) === content)
    throw new AwsError(
      'DuplicateDocumentContent',
      'The content of the association document matches another document.',
    );
  if (doc.versions.length >= 1000)
    throw new AwsError('DocumentVersionLimitExceeded', 'The document has too many versions.');
  doc.versions.push(content);
  return describe(doc);
}
