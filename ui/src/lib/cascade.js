// What deleting a document takes with it (docs/DECISIONS.md §3 "Cascading deletes"): documents
// that refer to it through a required FK are deleted, recursively; optional FKs to it
// are cleared. Counted through the public list API (filter=<fk>:<id>, count=exact), so
// the confirmation can state it before anything is deleted.
import { get } from './api.js';
import { childrenOf, entityPath } from './schema.js';

const PAGE = 1000;          // children read per level to follow them further down
const MAX_FOLLOWED = 200;   // children followed per relation; beyond, the deeper counts are partial

// -> {deletes: {Entity: n}, clears: {"Entity.field": n}, partial: bool}
export async function cascadeOf(meta, entityName, id) {
  const plan = { deletes: {}, clears: {}, partial: false };
  const seen = new Set([`${entityName}:${id}`]);
  async function visit(name, docId, depth) {
    for (const rel of childrenOf(meta, name)) {
      const { body } = await get(`/api/${entityPath(rel.entity)}`, {
        filter: `${rel.field}:${docId}`, pageSize: rel.required ? PAGE : 1, count: 'exact',
      });
      const total = body.pagination?.total ?? body.data.length;
      if (!total) continue;
      if (!rel.required) {
        const key = `${rel.entity}.${rel.field}`;
        plan.clears[key] = (plan.clears[key] || 0) + total;
        continue;
      }
      plan.deletes[rel.entity] = (plan.deletes[rel.entity] || 0) + total;
      if (!childrenOf(meta, rel.entity).length) continue;
      if (depth > 6 || total > MAX_FOLLOWED) { plan.partial = true; continue; }
      for (const child of body.data) {
        const key = `${rel.entity}:${child.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        await visit(rel.entity, child.id, depth + 1);
      }
    }
  }
  await visit(entityName, id, 0);
  return plan;
}
