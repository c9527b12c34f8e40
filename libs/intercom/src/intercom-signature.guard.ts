import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseFilters, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Answer, AnswerException, AnswerFilter, IngestService, type RawDoorRequest } from '@app/support-desk';
import { IntercomProvider } from './intercom.provider';

/** Intercom's three signed doors (contract §6, §10), each with its header and answer order. */
export type IntercomDoor = 'webhook' | 'uninstall' | 'canvas';

const DOOR = 'intercom:signed-door';

/**
 * One guard for Intercom's signatures, all computed over the exact bytes received and compared in constant time:
 * - `webhook`: X-Hub-Signature `sha1=<40 hex>` — missing or malformed → 401 before the body is read, mismatch → 401
 *   (over 1 MB too: the signature is computed as the body streams), then over 1 MB → 413 (each counted and logged
 *   like every webhook answer);
 * - `canvas`: X-Body-Signature (hex HMAC-SHA256) — over 1 MB → 413, invalid → 401;
 * - `uninstall`: X-Body-Signature, never refused (an unsigned notice is answered 200 and its tokens probed): the
 *   verdict is handed to the handler (`@SignatureVerified()`).
 */
@Injectable()
export class IntercomSignatureGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly provider: IntercomProvider,
    private readonly ingest: IngestService,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const door = this.reflector.get<IntercomDoor>(DOOR, ctx.getHandler());
    const req = ctx.switchToHttp().getRequest<RawDoorRequest>();
    const raw = req.rawBody ?? Buffer.alloc(0);
    const tooLarge = req.rawBodyTooLarge === true;
    const refuse = (status: number, outcome: string, detail: string) => {
      throw new AnswerException(this.ingest.refuse(this.provider.platform, status, outcome, detail));
    };
    switch (door) {
      case 'webhook': {
        const header = this.provider.webhookSignatureHeader(req.headers);
        if (header !== 'present') refuse(401, 'signature_invalid', `signature ${header}`);
        // Over 1 MB the body was not kept, but its signature was computed as it streamed (apps/api raw-body): still 401.
        if (tooLarge && req.rawBodySignatureValid === false) refuse(401, 'signature_invalid', 'signature mismatch');
        if (tooLarge) refuse(413, 'too_large', 'body over 1 MB');
        if (!this.provider.verifyWebhook(raw, req.headers)) refuse(401, 'signature_invalid', 'signature mismatch');
        return true;
      }
      case 'canvas':
        if (tooLarge) throw new AnswerException(Answer.json(413, { error: 'body over 1 MB' }));
        if (!this.provider.verifyBodySignature(raw, req.headers)) throw new AnswerException(Answer.json(401, { error: 'invalid X-Body-Signature' }));
        return true;
      case 'uninstall':
        req.signatureVerified = !tooLarge && this.provider.verifyUninstallNotice(raw, req.headers);
        return true;
      default:
        throw new Error(`@IntercomSigned(door) is missing on ${ctx.getClass().name}.${ctx.getHandler().name}`);
    }
  }
}

/** Marks a handler as one of Intercom's signed doors: the guard checks it, refusals are answered as the door answers. */
export const IntercomSigned = (door: IntercomDoor) => applyDecorators(SetMetadata(DOOR, door), UseGuards(IntercomSignatureGuard), UseFilters(AnswerFilter));
