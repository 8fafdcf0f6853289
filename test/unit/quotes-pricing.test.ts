import { describe, expect, it } from 'vitest';
import { PricingError, priceLine, priceQuote, roundHalfEven } from '../../functions/quotes/pricing.ts';

const line = (fields: Partial<Parameters<typeof priceLine>[0]> = {}) => ({
  quantity: 1,
  unitAmount: 1000,
  currency: 'EUR',
  taxRateBp: 2000,
  ...fields,
});

describe('the rounding rule', () => {
  it('rounds half to even, both signs', () => {
    expect([5n, 15n, 25n, 35n, -5n, -15n, 14n, 16n].map((n) => roundHalfEven(n, 10n))).toEqual([0n, 2n, 2n, 4n, -0n, -2n, 1n, 2n]);
    expect(roundHalfEven(1n, 3n)).toBe(0n);
    expect(roundHalfEven(2n, 3n)).toBe(1n);
  });

  it('prices 3 × 33.33 with a 10 % discount: net 89.99, tax 18.00 at 20 %', () => {
    // 3 × 3333 = 9999; − 10 % = 8999.1 → 8999; tax 8999 × 20 % = 1799.8 → 1800
    expect(priceLine(line({ quantity: 3, unitAmount: 3333, discount: { percentBp: 1000 } }))).toEqual({
      grossAmount: 9999,
      discountAmount: 1000,
      netAmount: 8999,
      taxAmount: 1800,
      totalAmount: 10799,
    });
  });

  it('rounds tax half to even: 10 % of 10.25 is 1.02, of 10.35 is 1.04', () => {
    expect(priceLine(line({ unitAmount: 1025, taxRateBp: 1000 })).taxAmount).toBe(102);
    expect(priceLine(line({ unitAmount: 1035, taxRateBp: 1000 })).taxAmount).toBe(104);
  });

  it('rounds the net of a fractional quantity once, after the discount', () => {
    // 1.5 × 333 = 499.5: gross and net both round to 500 (499 is odd)
    expect(priceLine(line({ quantity: 1.5, unitAmount: 333, discount: { amount: 0 }, taxRateBp: 0 }))).toMatchObject({
      grossAmount: 500,
      netAmount: 500,
    });
    expect(priceLine(line({ quantity: 0.125, unitAmount: 100, taxRateBp: 0 })).netAmount).toBe(12); // 12.5 → 12
    expect(priceLine(line({ quantity: 0.375, unitAmount: 100, taxRateBp: 0 })).netAmount).toBe(38); // 37.5 → 38
  });

  it('sums rounded lines for the totals, not the unrounded amounts', () => {
    // each line: 1 × 5 at 10 % tax → 0.5 → 0 (even); three lines tax 0, not round(1.5) = 2
    const { totals } = priceQuote('EUR', [
      line({ unitAmount: 5, taxRateBp: 1000 }),
      line({ unitAmount: 5, taxRateBp: 1000 }),
      line({ unitAmount: 5, taxRateBp: 1000 }),
    ]);
    expect(totals).toEqual({ net: 15, tax: 0, total: 15 });
  });

  it('takes a fixed discount off the line, and refuses one larger than the line', () => {
    expect(priceLine(line({ quantity: 2, unitAmount: 1000, discount: { amount: 250 } }))).toMatchObject({
      grossAmount: 2000,
      discountAmount: 250,
      netAmount: 1750,
      taxAmount: 350,
    });
    expect(() => priceLine(line({ discount: { amount: 1001 } }))).toThrow(PricingError);
    expect(priceLine(line({ discount: { percentBp: 10_000 } })).totalAmount).toBe(0);
  });

  it('refuses a zero or negative quantity, and one with more than 3 decimals', () => {
    for (const quantity of [0, -1, 0.0001])
      expect(() => priceLine(line({ quantity })), String(quantity)).toThrow(expect.objectContaining({ code: 'bad-quantity' }));
  });

  it('refuses mixed currencies, naming the line', () => {
    expect(() => priceQuote('EUR', [line(), line({ currency: 'USD' })])).toThrow(
      expect.objectContaining({ code: 'mixed-currencies', line: 1 }),
    );
  });
});
