/** Every item of an SDK list, page by page (each page follows the previous one's nextLink). */
export async function collectPages<T, R>(pages: AsyncIterable<T[]>, map: (item: T) => R): Promise<R[]> {
  const items: R[] = [];
  for await (const page of pages) items.push(...page.map(map));
  return items;
}
