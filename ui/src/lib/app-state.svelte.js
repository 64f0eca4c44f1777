// What every page reads: the metadata, and the session when authentication is on.
export const app = $state({
  meta: null,          // GET /api/metadata
  loadError: '',
  authOn: false,       // some entity declares an authn service (docs/DECISIONS.md §6.1)
  session: null,       // data of GET /api/session or of the login answer
  needLogin: false,
});

// Entity letters of the session (docs/AUTH.md "Roles and letters"), null when
// authentication is off.
export function permissions() {
  if (!app.authOn) return null;
  return app.session?.permissions?.entity || {};
}
