CREATE TYPE "public"."push_auth_mode" AS ENUM('REQUIRED', 'OFF');--> statement-breakpoint
ALTER TABLE "domain_groups" ADD COLUMN "push_auth" "push_auth_mode" DEFAULT 'REQUIRED' NOT NULL;--> statement-breakpoint
-- Existing groups get random keys (gen_random_uuid draws from the server's strong random source);
-- new ones get theirs from livesnap.
ALTER TABLE "domain_groups" ADD COLUMN "push_auth_primary_key" text;--> statement-breakpoint
ALTER TABLE "domain_groups" ADD COLUMN "push_auth_backup_key" text;--> statement-breakpoint
UPDATE "domain_groups" SET
  "push_auth_primary_key" = replace(gen_random_uuid()::text, '-', ''),
  "push_auth_backup_key" = replace(gen_random_uuid()::text, '-', '');--> statement-breakpoint
ALTER TABLE "domain_groups" ALTER COLUMN "push_auth_primary_key" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "domain_groups" ALTER COLUMN "push_auth_backup_key" SET NOT NULL;--> statement-breakpoint
-- Earlier versions could leave several LIVE rows of one stream; all but the newest are ended.
UPDATE "live_streams" SET "status" = 'ENDED', "ended_at" = now(), "worker_id" = NULL, "lease_until" = NULL
WHERE "status" = 'LIVE' AND "id" NOT IN (
  SELECT DISTINCT ON ("domain", "app_name", "stream_name") "id" FROM "live_streams"
  WHERE "status" = 'LIVE' ORDER BY "domain", "app_name", "stream_name", "started_at" DESC, "id" DESC
);--> statement-breakpoint
CREATE UNIQUE INDEX "live_streams_one_live_idx" ON "live_streams" USING btree ("domain","app_name","stream_name") WHERE status = 'LIVE';
