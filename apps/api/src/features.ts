/** Feature modules beyond accounts and projects; each owns its routes and jobs. */
export const FEATURE_MODULES: any[] = [];
