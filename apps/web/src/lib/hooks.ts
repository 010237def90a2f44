// Small React hooks shared by the client pages.
import { useEffect, useState } from 'react';

/** `value`, once it has stopped changing for `ms` (search boxes, live previews). */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** True after the first client render: use it for anything that depends on the browser (time zone, origin). */
export function useMounted(): boolean {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}
