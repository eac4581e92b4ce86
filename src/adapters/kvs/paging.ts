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

/**
 * KVS refused the request (a 4xx other than 429 RATE_LIMIT_EXCEEDED), so nothing was written. The code
 * string is deliberately not read: Forge's error table (ADR 0011) lists no code for a create-only clash
 * or a failed transaction condition, so what the refusal *means* is decided by reading the key back.
 */
export function isKvsRefusal(e: unknown): e is ForgeKvsAPIError {
  if (!(e instanceof ForgeKvsAPIError)) return false;
  const status = e.responseDetails?.status;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 429;
}

/**
 * A create-only (FAIL_IF_EXISTS) write whose outcome is decided by a strongly consistent read-back,
 * whatever code string KVS answered with: refused and the key exists -> 'exists'; refused and the key
 * is absent (a holder released it in between) -> one more try; refused again and still absent -> the
 * refusal was not a conflict, so it is thrown. Anything that is not a refusal (5xx, 429, network) is
 * thrown unread: the write's outcome is unknown and the caller's retry decides it.
 */
export async function createOnly(
  write: () => Promise<unknown>,
  exists: () => Promise<boolean>,
): Promise<'created' | 'exists'> {
  for (let attempt = 0; ; attempt++) {
    try {
      await write();
      return 'created';
    } catch (e) {
      if (!isKvsRefusal(e)) throw e;
      if (await exists()) return 'exists';
      if (attempt >= 1) throw e;
    }
  }
}

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
