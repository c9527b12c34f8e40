import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook payloads are stored as `json` (the text as received, checked to be JSON) instead of `jsonb` (parsed into
 * PostgreSQL's binary form, keys sorted): the payload is written once, read once by the worker and then kept as
 * history, so the binary form's conversion was paid on every webhook for nothing. The same JSON operators (`->`,
 * `->>`) still work on it. PostgreSQL CPU of an ingest group's statement, 40 webhooks of 2.5 KB: 128–131 → 97–110 µs
 * per webhook (bench/webhook-ingest's statement, alone, 300 groups, 2 Dec). A payload that jsonb would refuse (NUL,
 * lone surrogate) is still cleaned before it is stored (storableJson), so the way back to jsonb is always open.
 */
export class EventPayloadJson1796223719586 implements MigrationInterface {
  name = 'EventPayloadJson1796223719586';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "support_desk_events" ALTER COLUMN "payload" TYPE json USING "payload"::json`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "support_desk_events" ALTER COLUMN "payload" TYPE jsonb USING "payload"::jsonb`);
  }
}
