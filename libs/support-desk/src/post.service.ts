import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BindingEntity } from './support-desk.entities';
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

/** This post can never be made (the conversation is gone, a permission is missing…): recorded as failed, not retried. */
class PostRefused extends Error {}

export interface PostAttempt {
  /** the job's last attempt: a retryable failure is recorded as failed instead of retried */
  final: boolean;
  /** the job ran before (a crash or a release may have left a post behind): look for the reference first */
  retry?: boolean;
  /** a message that comes after the conversation moved on (analysis): it should not wake a snoozed conversation */
  late?: boolean;
}

/**
 * The short reference a post carries (`Ref SS-…`), derived from what the post is: a retry that lost its record still
 * finds the post it made.
 */
export function postRef(bindingId: string, conversationId: string, purpose: string): string {
  return `SS-${createHash('sha256').update(`${bindingId}\n${conversationId}\n${purpose}`).digest('hex').slice(0, 8).toUpperCase()}`;
}

/**
 * Exactly-once posting (architecture flow 3). The platform's reply API takes no idempotency key, so each post is
 * recorded before the call with a short reference carried in the message; an attempt that is not the first looks for
 * the reference among the conversation's parts and posts only if it is absent.
 *
 * A reply refused with "not found" is looked into: a deleted conversation ends the post; a reply-as admin who left the
 * workspace raises health `reply_admin_missing` and the post is made as the token's own admin instead.
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
    attempt: PostAttempt,
  ): Promise<PostOutcome> {
    // One statement records the post (or finds it) and counts this attempt; a completed post answers no row.
    const rows: Array<{ id: string; ref: string; attempts: number; createdAt: Date }> = await this.ds.query(
      `INSERT INTO support_desk_posts ("bindingId", "conversationId", purpose, visibility, ref, status, attempts)
       VALUES ($1, $2, $3, $4, $5, 'started', 1)
       ON CONFLICT ("bindingId", "conversationId", purpose) DO UPDATE SET attempts = support_desk_posts.attempts + 1, status = 'started'
         WHERE support_desk_posts.status <> 'completed'
       RETURNING id, ref, attempts, "createdAt"`,
      [b.id, conversationId, purpose, visibility, postRef(b.id, conversationId, purpose)],
    );
    const rec = rows[0];
    if (!rec) return 'already_posted';
    const client = this.clients.for(b);
    try {
      if ((rec.attempts > 1 || attempt.retry) && (await this.alreadyThere(client, conversationId, visibility, rec, render))) {
        await this.complete(rec.id, null);
        this.logger.log({ event: 'post.recovered', purpose, ref: rec.ref }, 'post found in the conversation after a retry');
        return 'already_posted';
      }
      const msg = { visibility, ...render(rec.ref), late: attempt.late === true };
      const wanted = this.author(b);
      let posted: { partId: string | null; appPackageCode?: string | null };
      try {
        posted = await client.postMessage(conversationId, { ...msg, adminId: wanted });
      } catch (e) {
        if (!(e instanceof ProviderError && (e.kind === 'not_found' || e.kind === 'admin_not_found'))) throw e;
        const adminId = await this.afterNotFound(b, client, conversationId, wanted);
        posted = await client.postMessage(conversationId, { ...msg, adminId });
      }
      await this.complete(rec.id, posted.partId);
      if (posted.appPackageCode && posted.appPackageCode !== b.appPackageCode) await this.learnPackageCode(b, posted.appPackageCode);
      this.logger.log({ event: 'post.completed', purpose, ref: rec.ref, visibility }, 'posted');
      return 'posted';
    } catch (e) {
      return this.failure(b, rec, purpose, e, attempt.final);
    }
  }

  /** Who posts: the reply-as admin, or — while that admin is known to be gone — the token's own admin. */
  author(b: BindingEntity): string {
    const wanted = b.replyAsAdminId ?? b.installedBy.adminId;
    const gone = b.healthState?.replyAdminMissing;
    return gone && gone.adminId === wanted ? gone.fallbackAdminId : wanted;
  }

  /**
   * A reply answered "not found" (the reply endpoint documents only that): is the conversation gone, or the admin?
   * Answers the admin to post as instead, or throws why the post cannot be made.
   */
  private async afterNotFound(b: BindingEntity, client: BindingClient, conversationId: string, adminId: string): Promise<string> {
    if (!(await client.conversationExists(conversationId))) throw new PostRefused('conversation not found (deleted?)');
    if (await client.adminExists(adminId)) throw new ProviderError('server', `reply answered not found although conversation and admin ${adminId} exist`, true);
    const me = await client.tokenAdmin();
    if (!me.id || me.id === adminId) throw new PostRefused(`reply-as admin ${adminId} not found and no other admin to post as`);
    const since = new Date().toISOString();
    await this.clients.patchHealth(b, {
      replyAdminMissing: { adminId, fallbackAdminId: me.id, since: b.healthState?.replyAdminMissing?.since ?? since },
      replyAdminMissingSince: b.healthState?.replyAdminMissingSince ?? since,
    });
    this.logger.warn(
      { event: 'post.reply_admin_missing', bindingId: b.id, adminId, fallbackAdminId: me.id },
      'reply-as admin gone: posting as the token admin',
    );
    return me.id;
  }

  private async complete(id: string, partId: string | null): Promise<void> {
    await this.ds.query(
      `UPDATE support_desk_posts SET status = 'completed', "completedAt" = now(), "partId" = COALESCE($2, "partId"), error = NULL WHERE id = $1`,
      [id, partId],
    );
  }

  private async fail(id: string, error: string): Promise<void> {
    await this.ds.query(`UPDATE support_desk_posts SET status = 'failed', error = $2 WHERE id = $1`, [id, error.slice(0, 500)]);
  }

  /** The platform showed our app's package code on our post: parts carrying it are ours from now on. */
  private async learnPackageCode(b: BindingEntity, code: string): Promise<void> {
    b.appPackageCode = code.slice(0, 64);
    await this.ds.query(`UPDATE support_desk_bindings SET "appPackageCode" = $2 WHERE id = $1`, [b.id, b.appPackageCode]);
  }

  /**
   * Did an earlier attempt reach the platform? Notes carry their reference; public replies carry none visible, so an
   * earlier copy of the same text written since the record was made counts (a little clock slack allowed).
   */
  private async alreadyThere(
    client: BindingClient,
    conversationId: string,
    visibility: 'internal' | 'public',
    rec: { ref: string; createdAt: Date },
    render: (ref: string) => { html: string; text: string },
  ): Promise<boolean> {
    if (visibility === 'internal') return client.hasReference(conversationId, rec.ref);
    return client.hasCopy(conversationId, { text: render(rec.ref).text, since: new Date(new Date(rec.createdAt).getTime() - COPY_CLOCK_SLACK_MS) });
  }

  private async failure(b: BindingEntity, rec: { id: string }, purpose: string, e: unknown, final: boolean): Promise<PostOutcome> {
    if (e instanceof PostRefused) {
      await this.fail(rec.id, e.message);
      this.logger.warn({ event: 'post.refused', purpose, bindingId: b.id, reason: e.message }, 'post cannot be made');
      return 'failed';
    }
    if (e instanceof ProviderError) {
      if (e.kind === 'unauthorized') {
        // The client already set the binding's state (needs_reinstall, confirmed).
        await this.fail(rec.id, 'token rejected: reinstall needed');
        return 'failed';
      }
      if (e.kind === 'permission_missing') {
        // The client reported it in health; retrying cannot help until the permission is granted.
        await this.fail(rec.id, `permission missing: ${e.extra.permission ?? 'unknown'} (${e.extra.call ?? 'reply'})`);
        return 'failed';
      }
      if (e.retryable && !final) throw new RetryLater(`post ${purpose}: ${e.kind}`);
      await this.fail(rec.id, `${e.kind}: ${e.message}`);
      this.logger.error({ event: 'post.dead_lettered', purpose, kind: e.kind }, 'post failed after retries');
      return 'failed';
    }
    if (!final) throw e;
    await this.fail(rec.id, String((e as Error)?.message ?? e));
    return 'failed';
  }
}
