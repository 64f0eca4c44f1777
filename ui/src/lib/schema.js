// What the app knows of the schema comes from GET /api/metadata (REFERENCE §2.10-2.14):
// which fields each page shows, in which order, how they are labelled, which entity an
// ObjectId field refers to, and which entities refer to a given one.

export const PAGES = ['summary', 'details', 'edit', 'create'];

export function entityPath(name) {
  return name.toLowerCase();
}

export function findEntity(meta, name) {
  if (!meta || !name) return null;
  const lower = name.toLowerCase();
  const key = Object.keys(meta.entities).find((k) => k.toLowerCase() === lower);
  return key ? { name: key, ...meta.entities[key] } : null;
}

export function entityTitle(entity) {
  return entity.ui?.title || entity.name;
}

export function humanize(name) {
  const spaced = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export function fieldLabel(name, def) {
  if (def?.ui?.displayName) return def.ui.displayName;
  if (fkTargetName(name, def) && name.toLowerCase().endsWith('id') && name.length > 2) return humanize(name.slice(0, -2));
  return name === 'id' ? 'Id' : humanize(name);
}

// displayPages: "summary", "details", "edit|create", "all"; absent means every page.
export function shownOn(def, page) {
  const pages = def?.ui?.displayPages;
  if (!pages || pages === 'all') return true;
  return String(pages).split('|').map((p) => p.trim()).includes(page);
}

export const isSecret = (def) => def?.ui?.display === 'secret' || def?.secret === true;
export const isServerFilled = (def) => !!(def?.autoGenerate || def?.autoUpdate);
export const isReadOnly = (def) => !!def?.ui?.readOnly || isServerFilled(def);
export const enumValues = (def) => (Array.isArray(def?.enum?.values) ? def.enum.values : Array.isArray(def?.enum) ? def.enum : null);
export const isNumeric = (def) => ['Integer', 'Number', 'Currency', 'Float'].includes(def?.type);
// JSON and Array fields can be neither filtered nor sorted (docs/API.md "Reads").
export const isStructured = (def) => def?.type === 'JSON' || String(def?.type).startsWith('Array');

// The fields of an entity in display order, id excluded: schema order, then those with
// displayAfterField placed after the named field, the "-1", "-2", ... ones last in that order.
export function orderedFields(entity) {
  const all = Object.entries(entity.fields).filter(([name]) => name !== 'id');
  const plain = all.filter(([, d]) => d.ui?.displayAfterField === undefined);
  const after = all.filter(([, d]) => d.ui?.displayAfterField !== undefined);
  const out = [...plain];
  const tail = [];
  for (const entry of after) {
    const anchor = String(entry[1].ui.displayAfterField);
    if (/^-\d+$/.test(anchor)) { tail.push(entry); continue; }
    const at = out.findIndex(([n]) => n === anchor);
    if (at < 0) out.push(entry);
    else out.splice(at + 1, 0, entry);
  }
  tail.sort((a, b) => Number(b[1].ui.displayAfterField) - Number(a[1].ui.displayAfterField));
  return [...out, ...tail].map(([name, def]) => ({ name, def }));
}

// The entity an ObjectId field refers to: ui.show.endpoint, else the name minus "Id"
// (the server's own rule: `accountId` -> Account). Null for `id` and other ObjectIds.
export function fkTargetName(name, def, meta) {
  if (def?.type !== 'ObjectId' || name === 'id') return null;
  const endpoint = def.ui?.show?.endpoint;
  if (!/id$/i.test(name) || name.length <= 2) return endpoint || null;
  const prefix = name.slice(0, -2);
  if (!meta) return endpoint || prefix;
  return findEntity(meta, endpoint || prefix)?.name || findEntity(meta, prefix)?.name || null;
}

// `view` name of an FK field: the field's name minus "Id" (docs/API.md "Reads").
export const viewName = (name) => name.slice(0, -2);

// The field that names a document of `entity` for people: one listed by ui.show, else a
// unique String field, else one called name/title/username/label, else the first
// required String.
export function labelField(entity) {
  const fields = orderedFields(entity).filter(({ def }) => def.type === 'String' && !isSecret(def));
  const uniques = (entity.uniques || []).filter((u) => u.length === 1).map((u) => u[0]);
  return (
    fields.find((f) => ['name', 'title', 'username', 'label'].includes(f.name))?.name ||
    fields.find((f) => uniques.includes(f.name))?.name ||
    fields.find((f) => f.def.required)?.name ||
    fields[0]?.name ||
    null
  );
}

// Fields of the parent to show beside an FK on `page`: ui.show.displayInfo's entry for
// that page, else the parent's label field.
export function fkDisplayFields(meta, name, def, page) {
  const info = def.ui?.show?.displayInfo;
  if (Array.isArray(info)) {
    const hit = info.find((i) => String(i.displayPages || '').split('|').includes(page));
    const any = hit || info.find((i) => i.displayPages === 'summary') || info[0];
    if (any?.fields?.length) return any.fields;
  }
  const target = findEntity(meta, fkTargetName(name, def, meta));
  const label = target && labelField(target);
  return label ? [label] : [];
}

// The `view` parameter expanding every FK of `entity` for `page`.
export function viewParam(meta, entity, page) {
  const parts = [];
  for (const { name, def } of orderedFields(entity)) {
    if (!fkTargetName(name, def, meta)) continue;
    const fields = fkDisplayFields(meta, name, def, page);
    if (fields.length) parts.push(`${viewName(name)}(${fields.join(',')})`);
  }
  return parts.join(',') || undefined;
}

// Entities with an FK to `entityName`: [{entity, field, required}].
export function childrenOf(meta, entityName) {
  const out = [];
  for (const [name, e] of Object.entries(meta.entities)) {
    for (const [field, def] of Object.entries(e.fields)) {
      if (fkTargetName(field, def, meta) === entityName) out.push({ entity: name, field, required: !!def.required });
    }
  }
  return out;
}

// A filter value in the grammar of docs/API.md "Reads": quoted when it holds a comma,
// colon, quote or backslash, or starts with a quote, with \" and \\ escaped inside.
export function filterValue(v) {
  const s = String(v);
  if (!/[,:"'\\]/.test(s)) return s;
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

export function operationsOf(entity) {
  const ops = entity.operations;
  if (!ops || ops === 'all') return 'crud';
  return String(ops);
}

// Whether the schema's `operations` and the session's permissions allow `letter`, one of
// c (create), r (read one), u (update), d (delete), s (search: lists). The letters are the
// server's (docs/DECISIONS.md §6.3, docs/AUTH.md "Roles and letters"): each opens only its
// own routes, `s` too (in the reference it meant everything; here it does not). `operations`
// has no `s`: lists are reads. `permissions` is the login answer's `permissions.entity`
// (every entity with letters, by name), null when authentication is off.
export function allows(entity, letter, permissions) {
  if (!entity || !operationsOf(entity).includes(letter === 's' ? 'r' : letter)) return false;
  if (!permissions) return true;
  const key = Object.keys(permissions).find((k) => k.toLowerCase() === entity.name.toLowerCase());
  const letters = key !== undefined ? permissions[key] : permissions['*'] || '';
  return letters.includes(letter);
}

export function authServices(meta) {
  const out = [];
  for (const [name, e] of Object.entries(meta?.entities || {})) {
    const authn = e.services?.authn;
    if (authn) out.push({ entity: name, route: String(authn.route || 'login').replace(/^\/+/, ''), label: authn.label || e.ui?.title || name });
  }
  return out;
}
