import { graphql } from "./gql";

export const ViewerQuery = graphql(`
  query ConsoleViewer {
    viewer { role operator account { id name } }
  }
`);

export const DomainGroupsQuery = graphql(`
  query ConsoleDomainGroups {
    domainGroups(first: 100) {
      edges { node { id pushDomain playDomain sourceId pushAuth createdAt pushAuthKeys { primary backup } } }
    }
  }
`);

export const CreateDomainGroupMutation = graphql(`
  mutation ConsoleCreateDomainGroup($input: CreateDomainGroupInput!) {
    createDomainGroup(input: $input) { id }
  }
`);

export const UpdateDomainGroupMutation = graphql(`
  mutation ConsoleUpdateDomainGroup($id: ID!, $input: UpdateDomainGroupInput!) {
    updateDomainGroup(id: $id, input: $input) { id pushAuth }
  }
`);

export const RotatePushAuthKeyMutation = graphql(`
  mutation ConsoleRotatePushAuthKey($id: ID!) {
    rotatePushAuthKey(id: $id) { id }
  }
`);

export const DeleteDomainGroupMutation = graphql(`
  mutation ConsoleDeleteDomainGroup($id: ID!) {
    deleteDomainGroup(id: $id)
  }
`);

export const PushUrlQuery = graphql(`
  query ConsolePushUrl($domain: String!, $app: String!, $stream: String!) {
    pushUrl(domain: $domain, app: $app, stream: $stream) { url server streamKey expiresAt }
  }
`);

export const TemplatesQuery = graphql(`
  query ConsoleTemplates {
    snapshotTemplates(first: 100) {
      edges {
        node { id name format intervalSeconds width height fillMode storageMode bucket createdAt updatedAt }
      }
    }
  }
`);

export const CreateTemplateMutation = graphql(`
  mutation ConsoleCreateTemplate($input: CreateSnapshotTemplateInput!) {
    createSnapshotTemplate(input: $input) { id }
  }
`);

export const UpdateTemplateMutation = graphql(`
  mutation ConsoleUpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) {
    updateSnapshotTemplate(id: $id, input: $input) { id }
  }
`);

export const DeleteTemplateMutation = graphql(`
  mutation ConsoleDeleteTemplate($id: ID!) {
    deleteSnapshotTemplate(id: $id)
  }
`);

export const BindingsQuery = graphql(`
  query ConsoleBindings {
    snapshotConfigs(first: 100) {
      edges { node { id domain appName streamName level createdAt template { id name } } }
    }
  }
`);

export const CreateBindingMutation = graphql(`
  mutation ConsoleCreateBinding($input: CreateSnapshotConfigInput!) {
    createSnapshotConfig(input: $input) { id }
  }
`);

export const DeleteBindingMutation = graphql(`
  mutation ConsoleDeleteBinding($id: ID!) {
    deleteSnapshotConfig(id: $id)
  }
`);

export const EffectiveTemplateQuery = graphql(`
  query ConsoleEffectiveTemplate($domain: String!, $app: String!, $stream: String!) {
    effectiveTemplate(domain: $domain, app: $app, stream: $stream) {
      level
      template { id name format intervalSeconds }
      config { id domain appName streamName }
    }
  }
`);

export const LiveStreamsQuery = graphql(`
  query ConsoleLiveStreams {
    liveStreams(status: LIVE, first: 100) {
      edges {
        node {
          id domain appName streamName startedAt
          template { id name intervalSeconds }
          lastSnapshot { id key url width height bytes format capturedAt }
        }
      }
    }
  }
`);

export const SnapshotCreatedSubscription = graphql(`
  subscription ConsoleSnapshotCreated {
    snapshotCreated { id domain appName streamName key url width height bytes format capturedAt }
  }
`);

export const CaptureSnapshotMutation = graphql(`
  mutation ConsoleCaptureSnapshot($domain: String!, $app: String!, $stream: String!) {
    captureSnapshot(domain: $domain, app: $app, stream: $stream) { id domain appName streamName key url width height bytes format capturedAt }
  }
`);

export const SnapshotsQuery = graphql(`
  query ConsoleSnapshots($domain: String!, $app: String, $stream: String, $from: DateTime, $to: DateTime, $after: String) {
    snapshots(domain: $domain, app: $app, stream: $stream, from: $from, to: $to, first: 24, after: $after) {
      edges { node { id domain appName streamName key url width height bytes format capturedAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
