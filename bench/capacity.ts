import type { AttributeValue, TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import { table } from '../shared/db/table.ts';

/**
 * DynamoDB's capacity rules where DynamoDB Local gets them wrong. DynamoDB
 * Local sizes a whole TransactWriteItems as if it were one item (six 200-byte
 * puts: 2 units); DynamoDB rounds every item up to 1 KB and doubles it
 * (six puts: 12 units, plus the index writes).
 */

/** Bytes of a number as DynamoDB stores it: about one byte per two significant digits, plus one. */
const numberSize = (n: string) => Math.ceil(n.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length / 2) + 1;

const bytes = (b: Uint8Array | string) => (typeof b === 'string' ? Buffer.byteLength(b, 'base64') : b.byteLength);

const valueSize = (v: AttributeValue): number => {
  if (v.S !== undefined) return Buffer.byteLength(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return bytes(v.B);
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  if (v.NS) return v.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (v.BS) return v.BS.reduce((sum, b) => sum + bytes(b), 0);
  if (v.L) return 3 + v.L.reduce((sum, e) => sum + 1 + valueSize(e), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((sum, [k, e]) => sum + Buffer.byteLength(k) + 1 + valueSize(e), 0);
  return 0;
};

/** An item's size as DynamoDB counts it: attribute names plus values. */
export const itemSize = (item: Record<string, AttributeValue>): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);

const kb = (size: number) => Math.max(1, Math.ceil(size / 1024));

type Item = Record<string, AttributeValue>;
/** Reads an item without being counted: the size of what an Update, Delete or ConditionCheck touches. */
export type Lookup = (tableName: string, key: Item) => Promise<Item | undefined>;

const indexesOf = (item: Item | undefined) =>
  item ? Object.values(table.indexes).filter((i) => item[i.partitionKey] && item[i.sortKey]).length : 0;

/**
 * Write units of a TransactWriteItems on DynamoDB: 2 per KB of each item,
 * rounded up per item, and the same again for each GSI the item is written
 * to or removed from (all indexes project ALL). A ConditionCheck counts as a
 * write of the item it checks. Update, Delete and ConditionCheck name only a
 * key: with `lookup` their existing item is read first; without, it is taken
 * to be at most 1 KB and in no index (`assumed` counts those actions).
 */
export const transactWriteUnits = async (input: TransactWriteItemsCommandInput, lookup?: Lookup) => {
  let units = 0;
  let assumed = 0;
  for (const action of input.TransactItems ?? []) {
    if (action.Put?.Item) {
      units += 2 * kb(itemSize(action.Put.Item)) * (1 + indexesOf(action.Put.Item));
      continue;
    }
    const target = action.Update ?? action.Delete ?? action.ConditionCheck;
    const existing = target?.Key && lookup ? await lookup(target.TableName!, target.Key) : undefined;
    if (!lookup) assumed += 1;
    const size = kb(existing ? itemSize(existing) : 0);
    units += 2 * size * (1 + (action.ConditionCheck ? 0 : indexesOf(existing)));
  }
  return { units, assumed };
};
