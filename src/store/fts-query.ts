/**
 * A search box string in PostgreSQL's `websearch_to_tsquery` syntax (words, "quoted phrases",
 * `-excluded`, `or`) as an FTS5 MATCH expression, so both backends accept the same `q`. Every term is
 * quoted, so FTS5 operators or stray punctuation typed by a user are never a syntax error.
 */

interface Group {
  include: string[];
  exclude: string[];
}

const TOKEN = /(-?)"([^"]*)"?|(\S+)/g;

function quote(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

/** The FTS5 expression, or null when `q` holds nothing searchable. */
export function toFts5Query(q: string): string | null {
  const groups: Group[] = [{ include: [], exclude: [] }];
  for (const match of q.matchAll(TOKEN)) {
    const current = groups[groups.length - 1] as Group;
    const [, phraseMinus, phrase, word] = match;
    if (word !== undefined && word.toLowerCase() === 'or') {
      if (current.include.length > 0) groups.push({ include: [], exclude: [] });
      continue;
    }
    const negated = phrase !== undefined ? phraseMinus === '-' : (word ?? '').startsWith('-');
    const term = phrase ?? (word ?? '').replace(/^-+/, '');
    // Only letters and digits are indexed; a term without any would match nothing or everything.
    if (!/[\p{L}\p{N}]/u.test(term)) continue;
    (negated ? current.exclude : current.include).push(quote(term));
  }
  // FTS5's NOT needs a left operand: a group of exclusions alone cannot be expressed and is dropped.
  const clauses = groups
    .filter((group) => group.include.length > 0)
    .map((group) => `(${group.include.join(' AND ')}${group.exclude.map((term) => ` NOT ${term}`).join('')})`);
  return clauses.length === 0 ? null : clauses.join(' OR ');
}
