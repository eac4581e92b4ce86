/**
 * The SCIM-ish expressions Okta accepts in `search=` / `filter=`: `attr eq "value"` / `attr sw "value"`
 * clauses joined by `and` / `or` (`and` binds tighter; no parentheses here). String comparison is
 * case-insensitive, as Okta's user search is.
 */
export type Getter = (attr: string) => string | undefined;
export type Predicate = (get: Getter) => boolean;

export class FilterSyntaxError extends Error {}

export function parseFilter(expr: string, allowedAttrs: string[]): Predicate {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|[^\s"]+)/y;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < expr.length) {
    re.lastIndex = pos;
    m = re.exec(expr);
    if (!m) {
      if (/^\s*$/.test(expr.slice(pos))) break;
      throw new FilterSyntaxError(`cannot parse near "${expr.slice(pos)}"`);
    }
    tokens.push(m[1]);
    pos = re.lastIndex;
  }
  let i = 0;
  const clause = (): Predicate => {
    const attr = tokens[i++];
    const op = tokens[i++]?.toLowerCase();
    const raw = tokens[i++];
    if (!attr || !op || raw === undefined) throw new FilterSyntaxError('incomplete expression');
    if (!allowedAttrs.includes(attr)) throw new FilterSyntaxError(`unsupported attribute ${attr}`);
    let value: string;
    if (raw.startsWith('"')) {
      if (!raw.endsWith('"') || raw.length < 2) throw new FilterSyntaxError('unterminated string');
      value = raw.slice(1, -1).replace(/\\(.)/g, '$1');
    } else if (/^(true|false|-?\d+)$/.test(raw)) value = raw;
    else throw new FilterSyntaxError(`values must be quoted: ${raw}`);
    const v = value.toLowerCase();
    if (op === 'eq') return (get) => (get(attr) ?? '').toLowerCase() === v;
    if (op === 'sw') return (get) => (get(attr) ?? '').toLowerCase().startsWith(v);
    throw new FilterSyntaxError(`unsupported operator ${op}`);
  };
  const conj = (): Predicate => {
    let p = clause();
    while (tokens[i]?.toLowerCase() === 'and') {
      i++;
      const l = p;
      const r = clause();
      p = (g) => l(g) && r(g);
    }
    return p;
  };
  let p = conj();
  while (tokens[i]?.toLowerCase() === 'or') {
    i++;
    const l = p;
    const r = conj();
    p = (g) => l(g) || r(g);
  }
  if (i !== tokens.length) throw new FilterSyntaxError(`unexpected "${tokens[i]}"`);
  return p;
}
