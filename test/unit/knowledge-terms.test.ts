import { describe, expect, it } from 'vitest';
import { articleTerms, matchesQuery, maxArticleTerms, parseQuery, standsFor, tokenize } from '../../functions/knowledge/terms.ts';

describe('knowledge base tokenisation', () => {
  it('folds case, width and accents into words, as contact names are folded', () => {
    expect(tokenize('Réinitialiser le MOT de passe — ＶＰＮ 2FA')).toEqual(['reinitialiser', 'le', 'mot', 'de', 'passe', 'vpn', '2fa']);
  });

  it('cuts Chinese and Japanese into overlapping character pairs, and splits runs where the script changes', () => {
    expect(tokenize('如何重置密码')).toEqual(['如何', '何重', '重置', '置密', '密码']);
    expect(tokenize('密码reset')).toEqual(['密码', 'reset']);
    expect(tokenize('パスワード')).toEqual(['パス', 'スワ', 'ワー', 'ード']);
    expect(tokenize('点 击')).toEqual(['点', '击']);
    // Hangul is written with spaces: its words are words.
    expect(tokenize('비밀번호 재설정')).toEqual(['비밀번호', '재설정']);
  });

  it('indexes every title term first, then tags, then the most frequent body terms, at most the cap', () => {
    const body = `${'router '.repeat(5)}${'modem '.repeat(3)}the the the the the cable ${Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ')}`;
    const terms = articleTerms({ title: 'Reset the Wi-Fi', body, tags: ['network'] });
    expect(terms.slice(0, 7)).toEqual(['reset', 'the', 'wi', 'fi', 'network', 'router', 'modem']);
    expect(terms).toHaveLength(maxArticleTerms);
    expect(terms.filter((t) => t === 'the')).toHaveLength(1);
  });

  it('matches a query when every query term is a prefix of an article term', () => {
    const article = articleTerms({ title: '如何重置密码', body: 'Reset your password from the sign-in page', tags: [] });
    const q = (text: string) => matchesQuery(parseQuery(text)!, article);
    expect(q('重置密码')).toBe(true);
    expect(q('密码')).toBe(true);
    expect(q('pass')).toBe(true);
    expect(q('RESET pass')).toBe(true);
    expect(q('置重')).toBe(false);
    expect(q('reset modem')).toBe(false);
    expect(parseQuery('  ?!  ')).toBeUndefined();
    expect(parseQuery('重置 password')!.primary).toBe('password');
  });

  it('lets exactly one index entry of an article stand for it', () => {
    const article = ['passport', 'pass', 'password', 'reset'];
    const query = parseQuery('pass')!;
    const standing = article.filter((t) => t.startsWith('pass') && standsFor(query, t, article));
    expect(standing).toEqual(['pass']);
  });
});
