import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Permission } from '../permissions';

export const META_PUBLIC = 'auth:public';
export const META_PERMISSIONS = 'auth:permissions';
export const META_DASHBOARD_ONLY = 'auth:dashboard-only';
export const META_ORG_LEVEL = 'auth:org-level';
export const META_PUBLIC_KEY_OK = 'auth:public-key-ok';
export const META_PROJECT_SCOPED = 'auth:project-scoped';
import { META_RATE_CATEGORY, type RateCategoryName } from '@app/core';
export { META_RATE_CATEGORY };

/** No authentication (login, signup, health). */
export const Public = () => SetMetadata(META_PUBLIC, true);
/** Every listed permission is required. */
export const RequirePermissions = (...p: Permission[]) => SetMetadata(META_PERMISSIONS, p);
/** Dashboard session only: API keys get 403 DASHBOARD_ONLY. */
export const DashboardOnly = () => SetMetadata(META_DASHBOARD_ONLY, true);
/** Tenant-level action: project keys get 403 ORG_KEY_REQUIRED. */
export const OrgLevel = () => SetMetadata(META_ORG_LEVEL, true);
/** ss_pub_ keys are accepted here (analyses); elsewhere they get 403 SECRET_KEY_REQUIRED. */
export const PublicKeyAllowed = () => SetMetadata(META_PUBLIC_KEY_OK, true);
/** Resolves the project from the key or X-Project-Id (contract §3). */
export const ProjectScoped = () => SetMetadata(META_PROJECT_SCOPED, true);
/** Rate-limit category; default read for GET/HEAD, write otherwise. */
export const RateCategory = (c: RateCategoryName) => SetMetadata(META_RATE_CATEGORY, c);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest().principal);
export const CurrentProject = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest().project);
