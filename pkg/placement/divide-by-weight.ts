// Splits a whole number in proportion to weights, each part capped, by the largest-remainder method.

export interface WeightedSlot {
  /** 0 or more; a slot of weight 0 gets nothing. */
  weight: number;
  /** The most this slot may get; Infinity for no cap. */
  room: number;
}

/**
 * Parts for `total` (an integer), one per slot. Slots whose proportional share reaches their room get their room and
 * the rest is split again among the others, until no cap binds; then each remaining slot gets the floor of its share
 * and the units left over go to the largest fractional parts, ties to the earlier slot (so callers list slots in
 * tie-break order). The parts add up to `total` unless every slot of positive weight is full.
 */
export function divideByWeight(total: number, slots: readonly WeightedSlot[]): number[] {
  const parts = slots.map(() => 0);
  let active = slots.flatMap((s, i) => (s.weight > 0 && s.room > 0 ? [i] : []));
  let left = total;
  while (left > 0 && active.length > 0) {
    const weights = active.reduce((sum, i) => sum + slots[i]!.weight, 0);
    const share = (i: number) => (left * slots[i]!.weight) / weights;
    const capped = active.filter((i) => share(i) >= slots[i]!.room);
    if (capped.length > 0) {
      for (const i of capped) parts[i] = slots[i]!.room;
      left -= capped.reduce((sum, i) => sum + slots[i]!.room, 0);
      active = active.filter((i) => !capped.includes(i));
      continue;
    }
    const exact = new Map(active.map((i) => [i, share(i)]));
    for (const i of active) parts[i] = Math.floor(exact.get(i)!);
    let rest = left - active.reduce((sum, i) => sum + parts[i]!, 0);
    const byRemainder = [...active].sort((a, b) => exact.get(b)! - parts[b]! - (exact.get(a)! - parts[a]!) || a - b);
    for (const i of byRemainder) {
      if (rest <= 0) break;
      parts[i] = parts[i]! + 1;
      rest--;
    }
    left = 0;
  }
  return parts;
}
