/**
 * The names the fleet view serves for the members' objects (docs/fleet-view.md, "Names that collide"): an object whose
 * namespace/name is in one member keeps its name; when several members have it, every copy is `<name>@<cluster>`.
 * Input and output keys are `namespace/name` (`/name` for cluster-scoped objects).
 */
export function servedKeys(perMember: ReadonlyMap<string, readonly string[]>): string[] {
  const owners = new Map<string, string[]>();
  for (const [member, keys] of perMember) for (const key of keys) owners.set(key, [...(owners.get(key) ?? []), member]);
  const served: string[] = [];
  for (const [key, members] of owners) {
    if (members.length === 1) served.push(key);
    else for (const m of members) served.push(`${key}@${m}`);
  }
  return served.sort();
}

/** `namespace/name` of an object, as servedKeys takes and returns them. */
export function objectKey(o: { readonly metadata?: { readonly namespace?: string; readonly name?: string } }): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}
