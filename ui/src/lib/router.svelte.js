// Hash routes (#/e/user?page=2), so every page of the app is /admin/ for the server
// and a link can be bookmarked or reloaded:
//   #/                      the entity menu
//   #/e/<entity>            list (query: page, pageSize, sort, f.<field>[.<op>])
//   #/e/<entity>/new        create form
//   #/e/<entity>/<id>       detail
//   #/e/<entity>/<id>/edit  edit form
export const route = $state({ parts: [], query: new URLSearchParams(), hash: '' });

function read() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = hash.split('?');
  route.parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  route.query = new URLSearchParams(query);
  route.hash = hash;
}

read();
window.addEventListener('hashchange', read);

export function href(parts, query) {
  const path = '#/' + parts.map((p) => encodeURIComponent(p)).join('/');
  const q = query instanceof URLSearchParams ? query.toString() : new URLSearchParams(query || {}).toString();
  return q ? `${path}?${q}` : path;
}

export function go(parts, query) {
  location.hash = href(parts, query).slice(1);
}
