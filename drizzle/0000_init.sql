CREATE TYPE "public"."role" AS ENUM('ADMIN', 'READER');--> statement-breakpoint
CREATE TYPE "public"."fill_mode" AS ENUM('STRETCH', 'PAD_BLACK', 'PAD_WHITE', 'BLUR');--> statement-breakpoint
CREATE TYPE "public"."snapshot_format" AS ENUM('JPG', 'PNG');--> statement-breakpoint
CREATE TYPE "public"."storage_mode" AS ENUM('COVERAGE', 'SEQUENCE');--> statement-breakpoint
CREATE TYPE "public"."binding_level" AS ENUM('DOMAIN', 'APP', 'STREAM');--> statement-breakpoint
CREATE TYPE "public"."live_stream_status" AS ENUM('LIVE', 'ENDED');--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"role" "role" NOT NULL,
	"operator" boolean DEFAULT false NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp (3) with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "domain_groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"push_domain" text NOT NULL,
	"play_domain" text NOT NULL,
	"source_id" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "domain_groups_push_domain_unique" UNIQUE("push_domain"),
	CONSTRAINT "domain_groups_source_id_unique" UNIQUE("source_id")
);
--> statement-breakpoint
CREATE TABLE "snapshot_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"name" text NOT NULL,
	"format" "snapshot_format" NOT NULL,
	"interval_seconds" integer NOT NULL,
	"width" integer,
	"height" integer,
	"fill_mode" "fill_mode" DEFAULT 'STRETCH' NOT NULL,
	"storage_mode" "storage_mode" NOT NULL,
	"bucket" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "snapshot_templates_account_name_key" UNIQUE("account_id","name")
);
--> statement-breakpoint
CREATE TABLE "snapshot_configs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"domain_group_id" uuid NOT NULL,
	"app_name" text NOT NULL,
	"stream_name" text NOT NULL,
	"level" "binding_level" NOT NULL,
	"template_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "snapshot_configs_scope_key" UNIQUE("domain_group_id","app_name","stream_name")
);
--> statement-breakpoint
CREATE TABLE "live_streams" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid,
	"domain_group_id" uuid,
	"domain" text NOT NULL,
	"app_name" text NOT NULL,
	"stream_name" text NOT NULL,
	"source_id" text,
	"source" text NOT NULL,
	"pull_url" text,
	"status" "live_stream_status" DEFAULT 'LIVE' NOT NULL,
	"template" jsonb,
	"config_id" uuid,
	"worker_id" text,
	"lease_until" timestamp (3) with time zone,
	"started_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "snapshots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"live_stream_id" uuid,
	"domain" text NOT NULL,
	"app_name" text NOT NULL,
	"stream_name" text NOT NULL,
	"source_id" text NOT NULL,
	"bucket" text NOT NULL,
	"key" text NOT NULL,
	"format" "snapshot_format" NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"bytes" bigint NOT NULL,
	"captured_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "snapshots_object_key" UNIQUE("bucket","key")
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "domain_groups" ADD CONSTRAINT "domain_groups_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshot_templates" ADD CONSTRAINT "snapshot_templates_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshot_configs" ADD CONSTRAINT "snapshot_configs_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshot_configs" ADD CONSTRAINT "snapshot_configs_domain_group_id_domain_groups_id_fk" FOREIGN KEY ("domain_group_id") REFERENCES "public"."domain_groups"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshot_configs" ADD CONSTRAINT "snapshot_configs_template_id_snapshot_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."snapshot_templates"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_streams" ADD CONSTRAINT "live_streams_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_streams" ADD CONSTRAINT "live_streams_domain_group_id_domain_groups_id_fk" FOREIGN KEY ("domain_group_id") REFERENCES "public"."domain_groups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_account_idx" ON "api_tokens" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "domain_groups_account_idx" ON "domain_groups" USING btree ("account_id","created_at","id");--> statement-breakpoint
CREATE INDEX "snapshot_templates_account_idx" ON "snapshot_templates" USING btree ("account_id","created_at","id");--> statement-breakpoint
CREATE INDEX "snapshot_configs_account_idx" ON "snapshot_configs" USING btree ("account_id","created_at","id");--> statement-breakpoint
CREATE INDEX "snapshot_configs_template_idx" ON "snapshot_configs" USING btree ("template_id");--> statement-breakpoint
CREATE INDEX "live_streams_account_idx" ON "live_streams" USING btree ("account_id","started_at","id");--> statement-breakpoint
CREATE INDEX "live_streams_key_idx" ON "live_streams" USING btree ("domain","app_name","stream_name","status");--> statement-breakpoint
CREATE INDEX "snapshots_listing_idx" ON "snapshots" USING btree ("account_id","domain","captured_at","id");--> statement-breakpoint
CREATE INDEX "snapshots_stream_idx" ON "snapshots" USING btree ("account_id","domain","app_name","stream_name","captured_at");