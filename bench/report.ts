/** Small helpers every figure uses: percentiles and markdown tables. */

export const percentile = (values: readonly number[], p: number): number => {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
};

export const median = (values: readonly number[]): number => percentile(values, 50);

export const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** A number with at most `digits` decimals, thousands separated. */
export const num = (value: number, digits = 0): string =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–';

export const usd = (value: number, digits = 4): string => `$${num(value, digits)}`;

export const mib = (bytes: number): string => `${num(bytes / 1024 / 1024, 1)} MiB`;

/** A GitHub-flavoured markdown table; columns whose header starts with a digit-like value are right-aligned. */
export const table = (
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  rightAligned: readonly number[] = [],
): string => {
  const cells = rows.map((row) => row.map((c) => (typeof c === 'number' ? num(c) : c)));
  const align = headers.map((_, i) => (rightAligned.includes(i) || rows.every((r) => typeof r[i] === 'number') ? '---:' : '---'));
  const line = (row: readonly string[]) => `| ${row.join(' | ')} |`;
  return [line(headers), line(align), ...cells.map(line)].join('\n');
};

/** One figure: a heading, the tables and the notes under it. */
export interface Section {
  title: string;
  body: string;
}

export const render = (sections: readonly Section[]): string => sections.map((s) => `## ${s.title}\n\n${s.body.trim()}\n`).join('\n');
