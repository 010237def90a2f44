/** tRPC error → one readable line. */
export function errorText(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) {
    const data = (e as { data?: { zodError?: { fieldErrors?: Record<string, string[]> } } }).data;
    const fields = data?.zodError?.fieldErrors;
    if (fields && Object.keys(fields).length)
      return Object.entries(fields)
        .map(([k, v]) => `${k}: ${v.join(', ')}`)
        .join('; ');
    return String((e as { message: string }).message);
  }
  return 'Something went wrong.';
}
