import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { CONTRACT_SCHEMAS } from './contract-schemas.gen';

export type SchemaMap = Record<string, Record<string, unknown>>;

/**
 * The OpenAPI document the app serves at /docs-json, and that `npm run openapi` commits (apps/api/openapi.json) and
 * turns into the SPA's typed client. Response and body shapes are the JSON schemas of libs/contracts' types
 * (contract-schemas.gen.ts, generated from the TypeScript by the same script), referenced by @ApiContract.
 */
export function buildOpenApiDocument(app: INestApplication, contractSchemas: SchemaMap = CONTRACT_SCHEMAS): OpenAPIObject {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setOpenAPIVersion('3.1.0')
      .setTitle('SigSentry support-desk API')
      .setDescription('SigSentry-compatible /v1 API: sessions or ss_pub_/ss_secret_/ss_org_ keys as Bearer tokens')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  doc.components = { ...doc.components, schemas: { ...contractSchemas, ...doc.components?.schemas } };
  const missing = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]).filter((n) => !doc.components?.schemas?.[n]);
  if (missing.length) throw new Error(`OpenAPI: @ApiContract names unknown libs/contracts types: ${[...new Set(missing)].join(', ')}`);
  return doc;
}
