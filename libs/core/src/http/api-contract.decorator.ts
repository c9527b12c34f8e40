import { applyDecorators, HttpCode } from '@nestjs/common';
import { ApiBody, ApiDefaultResponse, ApiResponse } from '@nestjs/swagger';

/**
 * Documents a handler in the OpenAPI document with the shapes of libs/contracts (their JSON schemas are generated
 * from the TypeScript types by `npm run openapi` into apps/api/src/contract-schemas.gen.ts):
 *   @ApiContract({ body: 'CreateAnalysisRequest', data: 'AnalysisView', status: 202 })
 * `data` is wrapped in the /v1 envelope `{success: true, data}`; `list` makes it an array, `paged` a paged list;
 * `raw` describes the body as is (no envelope). Every name must be an exported type of libs/contracts
 * (building the document fails on an unknown name).
 */
export interface ApiContractOptions {
  body?: string;
  data?: string;
  list?: boolean;
  paged?: boolean;
  raw?: boolean;
  status?: number;
  /** Also sets the HTTP status the handler answers (as @HttpCode). */
  setStatus?: boolean;
}

export const contractRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export function ApiContract(o: ApiContractOptions): MethodDecorator {
  const decorators: MethodDecorator[] = [];
  if (o.body) decorators.push(ApiBody({ required: true, schema: contractRef(o.body) }));
  if (o.data) {
    const item = contractRef(o.data);
    const data = o.paged
      ? { type: 'object', required: ['items', 'pagination'], properties: { items: { type: 'array', items: item }, pagination: contractRef('PaginationMeta') } }
      : o.list
        ? { type: 'array', items: item }
        : item;
    const schema = o.raw ? data : { type: 'object', required: ['success', 'data'], properties: { success: { type: 'boolean', enum: [true] }, data } };
    decorators.push(ApiResponse({ status: o.status ?? 200, description: o.data, schema }));
  }
  if (!o.raw) {
    decorators.push(
      ApiDefaultResponse({
        description: 'Error (the /v1 envelope)',
        schema: {
          type: 'object',
          required: ['success', 'error'],
          properties: { success: { type: 'boolean', enum: [false] }, error: contractRef('ApiErrorBody') },
        },
      }),
    );
  }
  if (o.setStatus && o.status) decorators.push(HttpCode(o.status));
  return applyDecorators(...decorators);
}
