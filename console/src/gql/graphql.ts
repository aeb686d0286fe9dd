/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type BindingLevel =
  | 'APP'
  | 'DOMAIN'
  | 'STREAM';

export type CreateDomainGroupInput = {
  playDomain: string;
  pushDomain: string;
};

/** Leave out streamName for an APP binding, and appName too for a DOMAIN binding */
export type CreateSnapshotConfigInput = {
  appName?: string | null | undefined;
  domain: string;
  streamName?: string | null | undefined;
  templateId: string | number;
};

export type CreateSnapshotTemplateInput = {
  bucket?: string | null | undefined;
  /** default STRETCH */
  fillMode?: FillMode | null | undefined;
  format: SnapshotFormat;
  /** 8..8192 */
  height?: number | null | undefined;
  /** 5..3600 */
  intervalSeconds: number;
  /** letters, digits, '_', '-'; at most 50; not starting or ending with '-' */
  name: string;
  /** 1..3650; left out or null: kept until deleted */
  retentionDays?: number | null | undefined;
  storageMode: StorageMode;
  /** 8..8192 */
  width?: number | null | undefined;
};

/** How a snapshot fills the template's size when its aspect ratio differs from the source */
export type FillMode =
  /** fit inside, over a blurred copy of the frame */
  | 'BLUR'
  /** fit inside, pad with black */
  | 'PAD_BLACK'
  /** fit inside, pad with white */
  | 'PAD_WHITE'
  /** scale to exactly width x height, distorting */
  | 'STRETCH';

export type PushAuthMode =
  /** any publish to the domain is accepted, for trusted networks */
  | 'OFF'
  /** a publish needs a valid auth_key (see Query.pushUrl); the default for new groups */
  | 'REQUIRED';

export type Role =
  /** read and write the account's objects */
  | 'ADMIN'
  /** read only */
  | 'READER';

export type SnapshotFormat =
  | 'JPG'
  | 'PNG';

export type StorageMode =
  /** one object per stream, overwritten by each snapshot */
  | 'COVERAGE'
  /** one object per snapshot */
  | 'SEQUENCE';

/** Fields left out keep their value; a change applies to publishes from now on */
export type UpdateDomainGroupInput = {
  playDomain?: string | null | undefined;
  pushAuth?: PushAuthMode | null | undefined;
};

/** Fields left out keep their value; width, height, bucket and retentionDays may be set to null */
export type UpdateSnapshotTemplateInput = {
  bucket?: string | null | undefined;
  fillMode?: FillMode | null | undefined;
  format?: SnapshotFormat | null | undefined;
  height?: number | null | undefined;
  intervalSeconds?: number | null | undefined;
  name?: string | null | undefined;
  /** 1..3650; null: kept until deleted */
  retentionDays?: number | null | undefined;
  storageMode?: StorageMode | null | undefined;
  width?: number | null | undefined;
};

export type ConsoleViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleViewerQuery = { viewer: { role: Role, operator: boolean, account: { id: string, name: string } } };

export type ConsoleDomainGroupsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleDomainGroupsQuery = { domainGroups: { edges: Array<{ node: { id: string, pushDomain: string, playDomain: string, sourceId: string, pushAuth: PushAuthMode, createdAt: string, pushAuthKeys: { primary: string, backup: string } | null } }> } };

export type ConsoleCreateDomainGroupMutationVariables = Exact<{
  input: CreateDomainGroupInput;
}>;


export type ConsoleCreateDomainGroupMutation = { createDomainGroup: { id: string } };

export type ConsoleUpdateDomainGroupMutationVariables = Exact<{
  id: string | number;
  input: UpdateDomainGroupInput;
}>;


export type ConsoleUpdateDomainGroupMutation = { updateDomainGroup: { id: string, pushAuth: PushAuthMode } };

export type ConsoleRotatePushAuthKeyMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleRotatePushAuthKeyMutation = { rotatePushAuthKey: { id: string } };

export type ConsoleDeleteDomainGroupMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleDeleteDomainGroupMutation = { deleteDomainGroup: string };

export type ConsolePushUrlQueryVariables = Exact<{
  domain: string;
  app: string;
  stream: string;
}>;


export type ConsolePushUrlQuery = { pushUrl: { url: string, server: string, streamKey: string, expiresAt: string } };

export type ConsoleTemplatesQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleTemplatesQuery = { snapshotTemplates: { edges: Array<{ node: { id: string, name: string, format: SnapshotFormat, intervalSeconds: number, width: number | null, height: number | null, fillMode: FillMode, storageMode: StorageMode, bucket: string | null, createdAt: string, updatedAt: string } }> } };

export type ConsoleCreateTemplateMutationVariables = Exact<{
  input: CreateSnapshotTemplateInput;
}>;


export type ConsoleCreateTemplateMutation = { createSnapshotTemplate: { id: string } };

export type ConsoleUpdateTemplateMutationVariables = Exact<{
  id: string | number;
  input: UpdateSnapshotTemplateInput;
}>;


export type ConsoleUpdateTemplateMutation = { updateSnapshotTemplate: { id: string } };

export type ConsoleDeleteTemplateMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleDeleteTemplateMutation = { deleteSnapshotTemplate: string };

export type ConsoleBindingsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleBindingsQuery = { snapshotConfigs: { edges: Array<{ node: { id: string, domain: string, appName: string | null, streamName: string | null, level: BindingLevel, createdAt: string, template: { id: string, name: string } } }> } };

export type ConsoleCreateBindingMutationVariables = Exact<{
  input: CreateSnapshotConfigInput;
}>;


export type ConsoleCreateBindingMutation = { createSnapshotConfig: { id: string } };

export type ConsoleDeleteBindingMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleDeleteBindingMutation = { deleteSnapshotConfig: string };

export type ConsoleEffectiveTemplateQueryVariables = Exact<{
  domain: string;
  app: string;
  stream: string;
}>;


export type ConsoleEffectiveTemplateQuery = { effectiveTemplate: { level: BindingLevel, template: { id: string, name: string, format: SnapshotFormat, intervalSeconds: number }, config: { id: string, domain: string, appName: string | null, streamName: string | null } } | null };

export type ConsoleLiveStreamsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleLiveStreamsQuery = { liveStreams: { edges: Array<{ node: { id: string, domain: string, appName: string, streamName: string, startedAt: string, template: { id: string, name: string, intervalSeconds: number } | null, lastSnapshot: { id: string, key: string, url: string, width: number, height: number, bytes: number, format: SnapshotFormat, capturedAt: string } | null } }> } };

export type ConsoleSnapshotCreatedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ConsoleSnapshotCreatedSubscription = { snapshotCreated: { id: string, domain: string, appName: string, streamName: string, key: string, url: string, width: number, height: number, bytes: number, format: SnapshotFormat, capturedAt: string } };

export type ConsoleCaptureSnapshotMutationVariables = Exact<{
  domain: string;
  app: string;
  stream: string;
}>;


export type ConsoleCaptureSnapshotMutation = { captureSnapshot: { id: string, domain: string, appName: string, streamName: string, key: string, url: string, width: number, height: number, bytes: number, format: SnapshotFormat, capturedAt: string } };

export type ConsoleSnapshotsQueryVariables = Exact<{
  domain: string;
  app?: string | null | undefined;
  stream?: string | null | undefined;
  from?: string | null | undefined;
  to?: string | null | undefined;
  after?: string | null | undefined;
}>;


export type ConsoleSnapshotsQuery = { snapshots: { edges: Array<{ node: { id: string, domain: string, appName: string, streamName: string, key: string, url: string, width: number, height: number, bytes: number, format: SnapshotFormat, capturedAt: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const ConsoleViewerDocument = new TypedDocumentString(`
    query ConsoleViewer {
  viewer {
    role
    operator
    account {
      id
      name
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleViewerQuery, ConsoleViewerQueryVariables>;
export const ConsoleDomainGroupsDocument = new TypedDocumentString(`
    query ConsoleDomainGroups {
  domainGroups(first: 100) {
    edges {
      node {
        id
        pushDomain
        playDomain
        sourceId
        pushAuth
        createdAt
        pushAuthKeys {
          primary
          backup
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleDomainGroupsQuery, ConsoleDomainGroupsQueryVariables>;
export const ConsoleCreateDomainGroupDocument = new TypedDocumentString(`
    mutation ConsoleCreateDomainGroup($input: CreateDomainGroupInput!) {
  createDomainGroup(input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<ConsoleCreateDomainGroupMutation, ConsoleCreateDomainGroupMutationVariables>;
export const ConsoleUpdateDomainGroupDocument = new TypedDocumentString(`
    mutation ConsoleUpdateDomainGroup($id: ID!, $input: UpdateDomainGroupInput!) {
  updateDomainGroup(id: $id, input: $input) {
    id
    pushAuth
  }
}
    `) as unknown as TypedDocumentString<ConsoleUpdateDomainGroupMutation, ConsoleUpdateDomainGroupMutationVariables>;
export const ConsoleRotatePushAuthKeyDocument = new TypedDocumentString(`
    mutation ConsoleRotatePushAuthKey($id: ID!) {
  rotatePushAuthKey(id: $id) {
    id
  }
}
    `) as unknown as TypedDocumentString<ConsoleRotatePushAuthKeyMutation, ConsoleRotatePushAuthKeyMutationVariables>;
export const ConsoleDeleteDomainGroupDocument = new TypedDocumentString(`
    mutation ConsoleDeleteDomainGroup($id: ID!) {
  deleteDomainGroup(id: $id)
}
    `) as unknown as TypedDocumentString<ConsoleDeleteDomainGroupMutation, ConsoleDeleteDomainGroupMutationVariables>;
export const ConsolePushUrlDocument = new TypedDocumentString(`
    query ConsolePushUrl($domain: String!, $app: String!, $stream: String!) {
  pushUrl(domain: $domain, app: $app, stream: $stream) {
    url
    server
    streamKey
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<ConsolePushUrlQuery, ConsolePushUrlQueryVariables>;
export const ConsoleTemplatesDocument = new TypedDocumentString(`
    query ConsoleTemplates {
  snapshotTemplates(first: 100) {
    edges {
      node {
        id
        name
        format
        intervalSeconds
        width
        height
        fillMode
        storageMode
        bucket
        createdAt
        updatedAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleTemplatesQuery, ConsoleTemplatesQueryVariables>;
export const ConsoleCreateTemplateDocument = new TypedDocumentString(`
    mutation ConsoleCreateTemplate($input: CreateSnapshotTemplateInput!) {
  createSnapshotTemplate(input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<ConsoleCreateTemplateMutation, ConsoleCreateTemplateMutationVariables>;
export const ConsoleUpdateTemplateDocument = new TypedDocumentString(`
    mutation ConsoleUpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) {
  updateSnapshotTemplate(id: $id, input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<ConsoleUpdateTemplateMutation, ConsoleUpdateTemplateMutationVariables>;
export const ConsoleDeleteTemplateDocument = new TypedDocumentString(`
    mutation ConsoleDeleteTemplate($id: ID!) {
  deleteSnapshotTemplate(id: $id)
}
    `) as unknown as TypedDocumentString<ConsoleDeleteTemplateMutation, ConsoleDeleteTemplateMutationVariables>;
export const ConsoleBindingsDocument = new TypedDocumentString(`
    query ConsoleBindings {
  snapshotConfigs(first: 100) {
    edges {
      node {
        id
        domain
        appName
        streamName
        level
        createdAt
        template {
          id
          name
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleBindingsQuery, ConsoleBindingsQueryVariables>;
export const ConsoleCreateBindingDocument = new TypedDocumentString(`
    mutation ConsoleCreateBinding($input: CreateSnapshotConfigInput!) {
  createSnapshotConfig(input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<ConsoleCreateBindingMutation, ConsoleCreateBindingMutationVariables>;
export const ConsoleDeleteBindingDocument = new TypedDocumentString(`
    mutation ConsoleDeleteBinding($id: ID!) {
  deleteSnapshotConfig(id: $id)
}
    `) as unknown as TypedDocumentString<ConsoleDeleteBindingMutation, ConsoleDeleteBindingMutationVariables>;
export const ConsoleEffectiveTemplateDocument = new TypedDocumentString(`
    query ConsoleEffectiveTemplate($domain: String!, $app: String!, $stream: String!) {
  effectiveTemplate(domain: $domain, app: $app, stream: $stream) {
    level
    template {
      id
      name
      format
      intervalSeconds
    }
    config {
      id
      domain
      appName
      streamName
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleEffectiveTemplateQuery, ConsoleEffectiveTemplateQueryVariables>;
export const ConsoleLiveStreamsDocument = new TypedDocumentString(`
    query ConsoleLiveStreams {
  liveStreams(status: LIVE, first: 100) {
    edges {
      node {
        id
        domain
        appName
        streamName
        startedAt
        template {
          id
          name
          intervalSeconds
        }
        lastSnapshot {
          id
          key
          url
          width
          height
          bytes
          format
          capturedAt
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleLiveStreamsQuery, ConsoleLiveStreamsQueryVariables>;
export const ConsoleSnapshotCreatedDocument = new TypedDocumentString(`
    subscription ConsoleSnapshotCreated {
  snapshotCreated {
    id
    domain
    appName
    streamName
    key
    url
    width
    height
    bytes
    format
    capturedAt
  }
}
    `) as unknown as TypedDocumentString<ConsoleSnapshotCreatedSubscription, ConsoleSnapshotCreatedSubscriptionVariables>;
export const ConsoleCaptureSnapshotDocument = new TypedDocumentString(`
    mutation ConsoleCaptureSnapshot($domain: String!, $app: String!, $stream: String!) {
  captureSnapshot(domain: $domain, app: $app, stream: $stream) {
    id
    domain
    appName
    streamName
    key
    url
    width
    height
    bytes
    format
    capturedAt
  }
}
    `) as unknown as TypedDocumentString<ConsoleCaptureSnapshotMutation, ConsoleCaptureSnapshotMutationVariables>;
export const ConsoleSnapshotsDocument = new TypedDocumentString(`
    query ConsoleSnapshots($domain: String!, $app: String, $stream: String, $from: DateTime, $to: DateTime, $after: String) {
  snapshots(
    domain: $domain
    app: $app
    stream: $stream
    from: $from
    to: $to
    first: 24
    after: $after
  ) {
    edges {
      node {
        id
        domain
        appName
        streamName
        key
        url
        width
        height
        bytes
        format
        capturedAt
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleSnapshotsQuery, ConsoleSnapshotsQueryVariables>;