/** Walks a cursor-paged list to its end (bounded, so a page never loads without limit). */
export async function allPages<T>(fetchPage: (after: string | undefined) => Promise<{ items: T[]; next?: string | null }>, pagesMax = 20): Promise<T[]> {
  const out: T[] = [];
  let after: string | undefined;
  for (let i = 0; i < pagesMax; i++) {
    const page = await fetchPage(after);
    out.push(...page.items);
    if (!page.next) break;
    after = page.next;
  }
  return out;
}
