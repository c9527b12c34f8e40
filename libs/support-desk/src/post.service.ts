import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BindingEntity, PostEntity } from './support-desk.entities';
import { BindingClient, BindingClients } from './binding-client';
import { ProviderError } from './provider';

/** Clock difference tolerated between us and the platform when looking for an earlier copy of a public reply. */
const COPY_CLOCK_SLACK_MS = 10_000;

export type PostOutcome = 'posted' | 'already_posted' | 'failed';

/** Marker for a job attempt that must be retried later (a retryable outside failure). */
export class RetryLater extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLater';
  }
}

/**
 * Exactly-once posting (architecture flow 3). The platform's reply API takes no idempotency key, so each post is
 * recorded before the call with a short reference carried in the message; a retry that finds its record started
 * but not completed first looks for the reference among the conversation's parts and posts only if it is absent.
 */
@Injectable()
export class PostService {
  private readonly logger = new Logger('support-desk');

  constructor(
    private readonly ds: DataSource,
    private readonly clients: BindingClients,
  ) {}

  async post(
    b: BindingEntity,
    conversationId: string,
    purpose: string,
    visibility: 'internal' | 'public',
    render: (ref: string) => { html: string; text: string },
    attempt: { final: boolean },
  ): Promise<PostOutcome> {
    const repo = this.ds.getRepository(PostEntity);
    await repo
      .createQueryBuilder()
      .insert()
      .values({ bindingId: b.id, conversationId, purpose, visibility, ref: `SS-${randomBytes(4).toString('hex').toUpperCase()}`, status: 'started' })
      .orIgnore()
      .execute();
    const rec = await repo.findOneOrFail({ where: { bindingId: b.id, conversationId, purpose } });
    if (rec.status === 'completed') return 'already_posted';
    try {
      const client = this.clients.for(b);
      if (rec.attempts > 0 && (await this.alreadyThere(client, rec, render))) {
        await repo.update({ id: rec.id }, { status: 'completed', completedAt: new Date(), error: null });
        this.logger.log({ event: 'post.recovered', purpose, ref: rec.ref }, 'post found in the conversation after a retry');
        return 'already_posted';
      }
      await repo.update({ id: rec.id }, { attempts: rec.attempts + 1 });
      const adminId = b.replyAsAdminId ?? b.installedBy.adminId;
      const { html, text } = render(rec.ref);
      const { partId } = await client.postMessage(conversationId, { visibility, adminId, html, text });
      await repo.update({ id: rec.id }, { status: 'completed', completedAt: new Date(), partId, error: null });
      this.logger.log({ event: 'post.completed', purpose, ref: rec.ref, visibility }, 'posted');
      return 'posted';
    } catch (e) {
      return this.failure(b, rec, e, attempt.final);
    }
  }

  /**
   * Did an earlier attempt reach the platform? Notes carry their reference; public replies carry none visible, so an
   * earlier copy of the same text written since the record was made counts (a little clock slack allowed).
   */
  private async alreadyThere(client: BindingClient, rec: PostEntity, render: (ref: string) => { html: string; text: string }): Promise<boolean> {
    if (rec.visibility === 'internal') return client.hasReference(rec.conversationId, rec.ref);
    return client.hasCopy(rec.conversationId, { text: render(rec.ref).text, since: new Date(rec.createdAt.getTime() - COPY_CLOCK_SLACK_MS) });
  }

  private async failure(b: BindingEntity, rec: PostEntity, e: unknown, final: boolean): Promise<PostOutcome> {
    const repo = this.ds.getRepository(PostEntity);
    if (e instanceof ProviderError) {
      if (e.kind === 'unauthorized') {
        // The client already set the binding's state (needs_reinstall).
        await repo.update({ id: rec.id }, { status: 'failed', error: 'token rejected: reinstall needed' });
        return 'failed';
      }
      if (e.kind === 'admin_not_found') {
        b.healthState = { ...(b.healthState ?? {}), replyAdminMissingSince: b.healthState?.replyAdminMissingSince ?? new Date().toISOString() };
        await this.ds.getRepository(BindingEntity).update({ id: b.id }, { healthState: b.healthState });
        await repo.update({ id: rec.id }, { status: 'failed', error: `reply-as admin ${b.replyAsAdminId} not found` });
        return 'failed';
      }
      if (e.kind === 'not_found') {
        await repo.update({ id: rec.id }, { status: 'failed', error: 'conversation not found (deleted?)' });
        return 'failed';
      }
      if (e.retryable && !final) throw new RetryLater(`post ${rec.purpose}: ${e.kind}`);
      await repo.update({ id: rec.id }, { status: 'failed', error: `${e.kind}: ${e.message}`.slice(0, 500) });
      this.logger.error({ event: 'post.dead_lettered', purpose: rec.purpose, kind: e.kind }, 'post failed after retries');
      return 'failed';
    }
    if (!final) throw e;
    await repo.update({ id: rec.id }, { status: 'failed', error: String((e as Error)?.message ?? e).slice(0, 500) });
    return 'failed';
  }
}
