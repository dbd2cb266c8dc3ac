/** The three states of a list a page fetched: still loading, empty, or its rows drawn by `children`. */
import type { ReactNode } from 'react';
import { useSession } from './session.tsx';

export function Loaded<T>({ items, children }: { items: T[] | null; children: (items: T[]) => ReactNode }) {
  const { t } = useSession();
  if (items === null) return <p>{t('loading')}</p>;
  if (items.length === 0) return <p>{t('none')}</p>;
  return <>{children(items)}</>;
}
