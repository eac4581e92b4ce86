import { ForgeKvsAPIError, type ListResult } from '@forge/kvs';
import { StaleCursorError } from '../../app/ports';
import { PAGE } from './keys';

/** The part of @forge/kvs's (unexported) EntityQueryBuilder that paging needs. */
export interface Pageable<T> {
  limit(n: number): Pageable<T>;
  cursor(c: string): Pageable<T>;
  getMany(): Promise<ListResult<T>>;
}

/** Reads every page of a query (pages of 100, following the cursor until there is none). */
export async function readAll<T>(query: () => Pageable<T>): Promise<Array<{ key: string; value: T }>> {
  const out: Array<{ key: string; value: T }> = [];
  let cursor: string | undefined;
  do {
    const q = query().limit(PAGE);
    const page: ListResult<T> = await (cursor ? q.cursor(cursor) : q).getMany();
    out.push(...page.results);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export const isKvsError = (e: unknown, code: string): boolean => e instanceof ForgeKvsAPIError && e.code === code;

/**
 * Runs a page read that starts from a caller's cursor. KVS refuses a cursor it cannot read with a 4xx
 * (Forge documents cursors as not stable, and a browser may alter or invent one): that becomes
 * StaleCursorError, which callers answer by starting the list again.
 */
export async function fromCallersCursor<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    const status = (e as { responseDetails?: { status?: number } })?.responseDetails?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) throw new StaleCursorError({ cause: e });
    throw e;
  }
}
