import type { KubeObject } from '../../api/meta/object-meta.js';
import type { ResourceDefinition } from '../../api/meta/resource-definition.js';
import { TableConvertor } from '../../pkg/apimachinery/table.js';
import type { TableConverter } from './presenter.js';

/** Table conversion for stored objects, with one convertor (compiled column paths) per resource definition. */
export function storedTableConverter(): TableConverter {
  const convertors = new WeakMap<ResourceDefinition, TableConvertor>();
  const convertor = (def: ResourceDefinition) => {
    let c = convertors.get(def);
    if (!c) convertors.set(def, (c = new TableConvertor(def)));
    return c;
  };
  return (def, objects, listMeta, includeObject) => {
    const items = objects.map((o) => JSON.parse(o.json) as KubeObject);
    const table =
      listMeta === undefined && items.length === 1
        ? convertor(def).convertObject(items[0]!, { includeObject })
        : convertor(def).convertList(items, listMeta ?? {}, { includeObject });
    return JSON.stringify(table);
  };
}
