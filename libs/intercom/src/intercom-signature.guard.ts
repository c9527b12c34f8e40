import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseFilters, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Answer, AnswerException, AnswerFilter, type RawDoorRequest } from '@app/support-desk';
import { IntercomProvider } from './intercom.provider';

/**
 * Intercom's signed doors handled in Nest (contract §6, §10), each with its header and answer order. The webhook
 * (`POST /webhooks/intercom`, X-Hub-Signature) is served before Nest's router by support-desk's WebhookDoor, with
 * `webhookSignatureRefusal`.
 */
export type IntercomDoor = 'uninstall' | 'canvas';

const DOOR = 'intercom:signed-door';

/**
 * One guard for Intercom's X-Body-Signature (hex HMAC-SHA256), computed over the exact bytes received and compared in
 * constant time:
 * - `canvas`: over 1 MB → 413, invalid → 401;
 * - `uninstall`: never refused (an unsigned notice is answered 200 and its tokens probed): the verdict is handed to
 *   the handler (`@SignatureVerified()`).
 */
@Injectable()
export class IntercomSignatureGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly provider: IntercomProvider,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const door = this.reflector.get<IntercomDoor>(DOOR, ctx.getHandler());
    const req = ctx.switchToHttp().getRequest<RawDoorRequest>();
    const raw = req.rawBody ?? Buffer.alloc(0);
    const tooLarge = req.rawBodyTooLarge === true;
    switch (door) {
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
