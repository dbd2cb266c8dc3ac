/**
 * Splitting an event too large for one envelope (DESIGN §5 keeps envelopes under
 * `envelopeSizeBytesMax`): the lists that grow with a tree (`splittableEventLists`) are sliced
 * across several parts of the same event type, each carrying every other field whole and
 * `part: {index, count}`. A consumer concatenates the lists of parts 1..count, in order.
 */
import { envelopeSizeBytesMax } from './envelope.ts';
import { splittableEventLists } from './schemas/ledger.ts';

/** Room left in an envelope for its `data`: the envelope's own fields and JSON take the rest. */
export const eventDataBytesMax = envelopeSizeBytesMax - 4_096;

const byteLength = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/**
 * The data of `type` as one or more parts, each within `budgetBytes` of JSON. An event whose
 * fixed fields alone pass the budget, or of a type with no splittable list, is returned whole:
 * the outbox refuses it at append time, which the caller must have made impossible.
 */
export function splitEventData(type: string, data: Record<string, unknown>, budgetBytes = eventDataBytesMax): Record<string, unknown>[] {
  const lists = splittableEventLists[type];
  if (!lists || byteLength(data) <= budgetBytes) return [data];
  const empty: Record<string, unknown> = { ...data, part: { index: 100_000, count: 100_000 } };
  for (const field of lists) empty[field] = [];
  const baseBytes = byteLength(empty);
  const parts: Record<string, unknown[]>[] = [];
  let current: Record<string, unknown[]> = Object.fromEntries(lists.map((f) => [f, []]));
  let currentBytes = baseBytes;
  let currentItems = 0;
  for (const field of lists) {
    const items = (data[field] as unknown[] | undefined) ?? [];
    for (const item of items) {
      const itemBytes = byteLength(item) + 1;
      if (currentItems > 0 && currentBytes + itemBytes > budgetBytes) {
        parts.push(current);
        current = Object.fromEntries(lists.map((f) => [f, []]));
        currentBytes = baseBytes;
        currentItems = 0;
      }
      current[field]!.push(item);
      currentBytes += itemBytes;
      currentItems += 1;
    }
  }
  if (currentItems > 0 || parts.length === 0) parts.push(current);
  if (parts.length === 1) return [data];
  return parts.map((slices, i) => ({ ...data, ...slices, part: { index: i + 1, count: parts.length } }));
}
