/**
 * The one rounding rule of quotes, in integer minor units (cents), exact with
 * BigInt. Per line:
 *   gross = qty × unit
 *   net   = round_half_even(gross − discount)   discount = gross × percentBp / 10000, or a fixed amount
 *   tax   = round_half_even(net × taxRateBp / 10000)
 *   total = net + tax
 * The quote's totals are the sums of its rounded lines. Quantities have at
 * most 3 decimals; grossAmount shown on a line is round_half_even(qty × unit),
 * and discountAmount = grossAmount − net.
 */

export type Discount = { percentBp: number } | { amount: number };

export interface PricedLineInput {
  quantity: number;
  unitAmount: number;
  currency: string;
  taxRateBp: number;
  discount?: Discount;
}

export interface LineAmounts {
  grossAmount: number;
  discountAmount: number;
  netAmount: number;
  taxAmount: number;
  totalAmount: number;
}

export interface Totals {
  net: number;
  tax: number;
  total: number;
}

/** Why a set of lines cannot be priced. */
export class PricingError extends Error {
  constructor(
    readonly code: 'mixed-currencies' | 'discount-exceeds-line' | 'bad-quantity',
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** num / den rounded to the nearest integer, ties to the even one (den > 0). */
export const roundHalfEven = (num: bigint, den: bigint): bigint => {
  if (den <= 0n) throw new RangeError('den must be positive');
  const negative = num < 0n;
  const abs = negative ? -num : num;
  let q = abs / den;
  const twice = (abs % den) * 2n;
  if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
};

const quantityScale = 1000n;
const bpScale = 10_000n;

/** The quantity in thousandths; a quantity with more than 3 decimals, zero or negative is refused. */
export const thousandths = (quantity: number): bigint => {
  const scaled = Math.round(quantity * 1000);
  if (!(quantity > 0) || Math.abs(scaled - quantity * 1000) > 1e-6) throw new RangeError('a positive quantity with at most 3 decimals');
  return BigInt(scaled);
};

export const priceLine = (line: PricedLineInput, index = 0): LineAmounts => {
  let q: bigint;
  try {
    q = thousandths(line.quantity);
  } catch {
    throw new PricingError('bad-quantity', index, 'the quantity must be positive with at most 3 decimals');
  }
  const grossK = q * BigInt(line.unitAmount); // gross × 1000
  const d = line.discount;
  // net × 1000 × 10000, exact
  const netScaled =
    d && 'percentBp' in d ? grossK * (bpScale - BigInt(d.percentBp)) : grossK * bpScale - BigInt(d?.amount ?? 0) * quantityScale * bpScale;
  if (netScaled < 0n) throw new PricingError('discount-exceeds-line', index, 'the discount is larger than the line');
  const net = roundHalfEven(netScaled, quantityScale * bpScale);
  const tax = roundHalfEven(net * BigInt(line.taxRateBp), bpScale);
  const gross = roundHalfEven(grossK, quantityScale);
  return {
    grossAmount: Number(gross),
    discountAmount: Number(gross - net),
    netAmount: Number(net),
    taxAmount: Number(tax),
    totalAmount: Number(net + tax),
  };
};

/** Prices every line in `currency` (a line in another currency is refused) and sums the rounded lines. */
export const priceQuote = (currency: string, lines: PricedLineInput[]): { lines: LineAmounts[]; totals: Totals } => {
  const priced = lines.map((line, i) => {
    if (line.currency !== currency)
      throw new PricingError('mixed-currencies', i, `the line is in ${line.currency}, the quote in ${currency}: one currency per quote`);
    return priceLine(line, i);
  });
  const net = priced.reduce((sum, l) => sum + l.netAmount, 0);
  const tax = priced.reduce((sum, l) => sum + l.taxAmount, 0);
  return { lines: priced, totals: { net, tax, total: net + tax } };
};
