// Resolver aliases for dependency-cruiser (read as a bundler config): the admin SPA's `@/` alias, as in apps/admin/vite.config.ts.
const path = require('node:path');
module.exports = { resolve: { alias: { '@': path.join(__dirname, '..', 'apps', 'admin', 'src') } } };
