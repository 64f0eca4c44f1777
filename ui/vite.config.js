// Built by scripts/build-ui.sh into <build>/admin-ui; served by the server at /admin/.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  base: '/admin/',
  plugins: [
    svelte({
      compilerOptions: {
        // Pages and dialogs read their props once on purpose: App.svelte remounts them
        // ({#key}) when the entity or id changes.
        warningFilter: (w) => w.code !== 'state_referenced_locally',
      },
    }),
  ],
  build: {
    // Hashed names under assets/ are served as immutable (src/apis/admin_ui_routes.cpp).
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    modulePreload: { polyfill: false },
  },
});
