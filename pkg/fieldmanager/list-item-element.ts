import { isJsonObject, type ListType, type MapType } from './merge-type.js';
import { keyElement, valueElement, type PathElement } from './path-element.js';

/**
 * The path element that identifies an item of an associative list: its key fields (a key left out takes the
 * schema default, or is skipped), or the item itself for a set. Throws an Error for items such lists cannot hold.
 */
export function listItemElement(list: ListType, item: unknown): PathElement {
  if (list.keys.length > 0) {
    if (item === null) throw new Error('associative list with keys may not have a null element');
    if (!isJsonObject(item)) throw new Error('associative list with keys may not have non-map elements');
    const defaults = list.element.kind === 'map' ? (list.element as MapType).defaults : undefined;
    const key: Record<string, unknown> = {};
    for (const name of list.keys) {
      if (name in item) key[name] = item[name];
      else if (defaults?.has(name)) key[name] = defaults.get(name);
    }
    if (Object.keys(key).length === 0) {
      throw new Error(`associative list with keys has an element that omits all key fields ${JSON.stringify(list.keys)} (and doesn't have default values for any key fields)`);
    }
    return keyElement(key);
  }
  if (isJsonObject(item)) throw new Error("associative list without keys has an element that's a map type");
  if (Array.isArray(item)) throw new Error('not supported: associative list with lists as elements');
  if (item === null) throw new Error("associative list without keys has an element that's an explicit null");
  return valueElement(item);
}
