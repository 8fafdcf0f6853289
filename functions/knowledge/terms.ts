import { foldText } from '../../shared/domain/normalize.ts';

/**
 * Search terms of knowledge base articles. Text is folded as contact names are
 * (shared/domain/normalize.ts foldText: case, width, accents), then cut into
 * runs of letters and digits. Scripts written with spaces give words, found by
 * prefix (`pass` finds `password`). Han and kana, written without spaces, give
 * overlapping bigrams (重置密码 → 重置 置密 密码), so any two-character piece of
 * a Chinese or Japanese phrase finds it, and a longer phrase is all its bigrams.
 */

/** Index items an article has per index: they are written with the version in one transaction (at most 100 items). */
export const maxArticleTerms = 40;
/** Query terms looked at; the rest of a long query is ignored. */
export const maxQueryTerms = 8;
const maxTermLength = 40;

const bigramScript = /[\p{Script_Extensions=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}]/u;
const run = /[\p{L}\p{M}\p{N}]+/gu;
/** Words too common in English help text to rank among an article's body terms (title words are kept whatever they are). */
const common = new Set(
  'the a an and or of to in on for is are be it this that with as at by from you your can how what when do does not'.split(' '),
);

/** The terms of a text in reading order, repeats included. */
export const tokenize = (text: string): string[] => {
  const terms: string[] = [];
  for (const [word] of foldText(text).matchAll(run)) {
    // Split a run where it switches between bigram scripts and the others (密码reset → 密码, reset).
    let segment = '';
    let bigrams = false;
    const flush = () => {
      if (!segment) return;
      if (!bigrams) terms.push(segment.slice(0, maxTermLength));
      else {
        const chars = [...segment];
        if (chars.length === 1) terms.push(chars[0]!);
        for (let i = 0; i + 1 < chars.length; i++) terms.push(chars[i]! + chars[i + 1]!);
      }
      segment = '';
    };
    for (const ch of word) {
      const isBigram = bigramScript.test(ch);
      if (segment && isBigram !== bigrams) flush();
      bigrams = isBigram;
      segment += ch;
    }
    flush();
  }
  return terms;
};

/**
 * The index terms of an article version, at most `maxArticleTerms`: every
 * title term, then its tags, then the body's terms, most frequent first
 * (common English words left out, ties in reading order).
 */
export const articleTerms = (content: { title: string; body: string; tags: string[] }): string[] => {
  const chosen = new Set<string>();
  const add = (term: string) => {
    if (chosen.size < maxArticleTerms) chosen.add(term);
  };
  for (const term of tokenize(content.title)) add(term);
  for (const tag of content.tags) for (const term of tokenize(tag)) add(term);
  const counts = new Map<string, number>();
  for (const term of tokenize(content.body)) if (!common.has(term)) counts.set(term, (counts.get(term) ?? 0) + 1);
  for (const [term] of [...counts].sort((a, b) => b[1] - a[1])) add(term);
  return [...chosen];
};

/** A parsed search: the distinct query terms (each matches an article term it is a prefix of) and the one the index is read by. */
export interface TermQuery {
  terms: string[];
  /** The longest term: the index partition is read from its prefix, the other terms filter what it finds. */
  primary: string;
}

/** Undefined when the query holds no letters or digits. */
export const parseQuery = (q: string): TermQuery | undefined => {
  const terms = [...new Set(tokenize(q))].slice(0, maxQueryTerms);
  if (!terms.length) return undefined;
  const length = (t: string) => [...t].length;
  const primary = terms.reduce((best, t) => (length(t) > length(best) ? t : best));
  return { terms, primary };
};

/** Whether an article with these index terms matches every query term. */
export const matchesQuery = (query: TermQuery, articleTerms: readonly string[]) =>
  query.terms.every((q) => articleTerms.some((t) => t.startsWith(q)));

/**
 * An article has an index entry per term, and several may start with the
 * query's primary term: only the first of them in index order stands for the
 * article, so a page holds distinct articles and a walk meets each once.
 */
export const standsFor = (query: TermQuery, entryTerm: string, articleTerms: readonly string[]) =>
  articleTerms.filter((t) => t.startsWith(query.primary)).sort()[0] === entryTerm;
