/**
 * A search box string in PostgreSQL's `websearch_to_tsquery` syntax (words, "quoted phrases",
 * `-excluded`, `or`) read once, so both backends accept the same `q`: SQLite gets an FTS5 MATCH
 * expression, PostgreSQL learns whether there is anything to search for. Every FTS5 term is quoted,
 * so FTS5 operators or stray punctuation typed by a user are never a syntax error.
 */

interface Group {
  include: string[];
  exclude: string[];
}

/** An FTS5 MATCH expression; `negated` means "the rows that do NOT match it". */
export interface Fts5Search {
  match: string;
  negated: boolean;
}

const TOKEN = /(-?)"([^"]*)"?|(\S+)/g;

function quote(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

function parse(q: string): Group[] {
  const groups: Group[] = [{ include: [], exclude: [] }];
  for (const match of q.matchAll(TOKEN)) {
    const current = groups[groups.length - 1] as Group;
    const [, phraseMinus, phrase, word] = match;
    if (word !== undefined && word.toLowerCase() === 'or') {
      if (current.include.length + current.exclude.length > 0) groups.push({ include: [], exclude: [] });
      continue;
    }
    const negated = phrase !== undefined ? phraseMinus === '-' : (word ?? '').startsWith('-');
    const term = phrase ?? (word ?? '').replace(/^-+/, '');
    // Only letters and digits are indexed; a term without any would match nothing or everything.
    if (!/[\p{L}\p{N}]/u.test(term)) continue;
    (negated ? current.exclude : current.include).push(quote(term));
  }
  return groups.filter((group) => group.include.length + group.exclude.length > 0);
}

/** False when `q` holds no searchable term: such a `q` filters nothing, on both backends. */
export function isSearchable(q: string): boolean {
  return parse(q).length > 0;
}

/**
 * The FTS5 form of `q`, or null when it holds nothing searchable. FTS5's NOT needs a left operand, so
 * a group made only of exclusions cannot sit next to others and is dropped; a query made only of
 * such groups is turned around (De Morgan) and asked for as "rows not matching".
 */
export function toFts5Search(q: string): Fts5Search | null {
  const groups = parse(q);
  const positive = groups.filter((group) => group.include.length > 0);
  if (positive.length > 0) {
    const clauses = positive.map((group) => `(${group.include.join(' AND ')}${group.exclude.map((term) => ` NOT ${term}`).join('')})`);
    return { match: clauses.join(' OR '), negated: false };
  }
  if (groups.length === 0) return null;
  return { match: groups.map((group) => `(${group.exclude.join(' OR ')})`).join(' AND '), negated: true };
}
