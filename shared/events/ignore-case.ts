// equals-ignore-case as aws/event-ruler (the engine EventBridge runs) implements it: each
// character of the operand may appear in the value as its lower-case or its upper-case form,
// and the value itself is never case-mapped. Lower-casing both sides is not the same where a
// mapping is several code points: "ΰ" accepts "ΰ" or "Ϋ́" (not "ΰ"), "ß" accepts "ß" or "SS"
// (not "ss"), and "SS" never accepts "ß".
// event-ruler maps UTF-16 units, so a character outside the BMP never matches there; here each
// code point is mapped, which is what that code means for every character it does handle.

/** The value is the operand, each character in one of its case forms. */
export function equalsIgnoringCase(value: string, operand: string): boolean {
  return spelledLengths(value, operand, 'start').has(value.length);
}

export function startsWithIgnoringCase(value: string, operand: string): boolean {
  return spelledLengths(value, operand, 'start').size > 0;
}

export function endsWithIgnoringCase(value: string, operand: string): boolean {
  return spelledLengths(value, operand, 'end').size > 0;
}

/** The case forms each character of the operand may take: one when lower and upper case agree. */
function caseForms(operand: string): string[][] {
  return Array.from(operand, (ch) => {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    return lower === upper ? [lower] : [lower, upper];
  });
}

/**
 * How many UTF-16 units at the start (or end) of the value spell the operand; several lengths
 * are possible because the two forms of a character need not have the same length.
 */
function spelledLengths(value: string, operand: string, from: 'start' | 'end'): Set<number> {
  const forms = caseForms(operand);
  if (from === 'end') forms.reverse();
  const fits = (form: string, taken: number) =>
    from === 'start' ? value.startsWith(form, taken) : value.endsWith(form, value.length - taken);
  let lengths = new Set([0]);
  for (const alternatives of forms) {
    const next = new Set<number>();
    for (const taken of lengths) {
      for (const form of alternatives) if (fits(form, taken)) next.add(taken + form.length);
    }
    lengths = next;
    if (lengths.size === 0) break;
  }
  return lengths;
}
