import { ArgumentsHost, CallHandler, Catch, ExceptionFilter, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, Observable } from 'rxjs';

/**
 * What a platform door (webhook, uninstall notice, Canvas Kit, OAuth pages) answers: a status with a JSON body, an
 * HTML page, or a redirect. Services return one; controllers pass it through (AnswerInterceptor writes it) or a guard
 * throws it (AnswerException, written by AnswerFilter). These doors do not use the /v1 envelope.
 */
export class Answer {
  private constructor(
    readonly status: number,
    readonly body: unknown,
    readonly type: 'json' | 'html',
    readonly location: string | null,
  ) {}

  static json(status: number, body: Record<string, unknown>): Answer {
    return new Answer(status, body, 'json', null);
  }

  static html(status: number, html: string): Answer {
    return new Answer(status, html, 'html', null);
  }

  static redirect(location: string, status = 302): Answer {
    return new Answer(status, `Redirecting to ${location}`, 'html', location);
  }

  /** Writes this answer on an Express response (headers and status; the caller sends the body). */
  apply(res: Response): unknown {
    res.status(this.status);
    if (this.location) res.setHeader('Location', this.location);
    if (this.type === 'html') res.type('html');
    return this.body;
  }
}

/** An answer given before the handler runs (a guard's refusal, a body that cannot be read). */
export class AnswerException extends Error {
  constructor(readonly answer: Answer) {
    super(`answered ${answer.status}`);
    this.name = 'AnswerException';
  }
}

/** Sends the answer an AnswerException carries (bind it on platform controllers with @UseFilters). */
@Catch(AnswerException)
export class AnswerFilter implements ExceptionFilter {
  catch(e: AnswerException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const body = e.answer.apply(res);
    if (e.answer.type === 'json') res.json(body);
    else res.send(body);
  }
}

/** Writes a handler's Answer (status, type, Location) and lets Nest send its body. */
@Injectable()
export class AnswerInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = ctx.switchToHttp().getResponse<Response>();
    return next.handle().pipe(map((r) => (r instanceof Answer ? r.apply(res) : r)));
  }
}
