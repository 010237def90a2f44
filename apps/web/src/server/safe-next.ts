/** A same-origin path to continue to after signing in, or the dashboard: never another host. */
export function safeNext(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\'))
    return '/dashboard';
  return raw;
}
