import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Answer, AnswerException, type RawDoorRequest } from '@app/support-desk';

/** A Canvas Kit request body (already signature-checked): a JSON object, else 400 `{error}`. */
export const CanvasRequest = createParamDecorator((_: unknown, ctx: ExecutionContext): Record<string, unknown> => {
  const raw = ctx.switchToHttp().getRequest<RawDoorRequest>().rawBody ?? Buffer.alloc(0);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    body = null;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AnswerException(Answer.json(400, { error: 'body is not a JSON object' }));
  return body as Record<string, unknown>;
});
