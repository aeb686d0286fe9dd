/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ConsoleViewer {\n    viewer { role operator account { id name } }\n  }\n": typeof types.ConsoleViewerDocument,
    "\n  query ConsoleDomainGroups {\n    domainGroups(first: 100) {\n      edges { node { id pushDomain playDomain sourceId pushAuth createdAt pushAuthKeys { primary backup } } }\n    }\n  }\n": typeof types.ConsoleDomainGroupsDocument,
    "\n  mutation ConsoleCreateDomainGroup($input: CreateDomainGroupInput!) {\n    createDomainGroup(input: $input) { id }\n  }\n": typeof types.ConsoleCreateDomainGroupDocument,
    "\n  mutation ConsoleUpdateDomainGroup($id: ID!, $input: UpdateDomainGroupInput!) {\n    updateDomainGroup(id: $id, input: $input) { id pushAuth }\n  }\n": typeof types.ConsoleUpdateDomainGroupDocument,
    "\n  mutation ConsoleRotatePushAuthKey($id: ID!) {\n    rotatePushAuthKey(id: $id) { id }\n  }\n": typeof types.ConsoleRotatePushAuthKeyDocument,
    "\n  mutation ConsoleDeleteDomainGroup($id: ID!) {\n    deleteDomainGroup(id: $id)\n  }\n": typeof types.ConsoleDeleteDomainGroupDocument,
    "\n  query ConsolePushUrl($domain: String!, $app: String!, $stream: String!) {\n    pushUrl(domain: $domain, app: $app, stream: $stream) { url server streamKey expiresAt }\n  }\n": typeof types.ConsolePushUrlDocument,
    "\n  query ConsoleTemplates {\n    snapshotTemplates(first: 100) {\n      edges {\n        node { id name format intervalSeconds width height fillMode storageMode bucket createdAt updatedAt }\n      }\n    }\n  }\n": typeof types.ConsoleTemplatesDocument,
    "\n  mutation ConsoleCreateTemplate($input: CreateSnapshotTemplateInput!) {\n    createSnapshotTemplate(input: $input) { id }\n  }\n": typeof types.ConsoleCreateTemplateDocument,
    "\n  mutation ConsoleUpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) {\n    updateSnapshotTemplate(id: $id, input: $input) { id }\n  }\n": typeof types.ConsoleUpdateTemplateDocument,
    "\n  mutation ConsoleDeleteTemplate($id: ID!) {\n    deleteSnapshotTemplate(id: $id)\n  }\n": typeof types.ConsoleDeleteTemplateDocument,
    "\n  query ConsoleBindings {\n    snapshotConfigs(first: 100) {\n      edges { node { id domain appName streamName level createdAt template { id name } } }\n    }\n  }\n": typeof types.ConsoleBindingsDocument,
    "\n  mutation ConsoleCreateBinding($input: CreateSnapshotConfigInput!) {\n    createSnapshotConfig(input: $input) { id }\n  }\n": typeof types.ConsoleCreateBindingDocument,
    "\n  mutation ConsoleDeleteBinding($id: ID!) {\n    deleteSnapshotConfig(id: $id)\n  }\n": typeof types.ConsoleDeleteBindingDocument,
    "\n  query ConsoleEffectiveTemplate($domain: String!, $app: String!, $stream: String!) {\n    effectiveTemplate(domain: $domain, app: $app, stream: $stream) {\n      level\n      template { id name format intervalSeconds }\n      config { id domain appName streamName }\n    }\n  }\n": typeof types.ConsoleEffectiveTemplateDocument,
    "\n  query ConsoleLiveStreams {\n    liveStreams(status: LIVE, first: 100) {\n      edges {\n        node {\n          id domain appName streamName startedAt\n          template { id name intervalSeconds }\n          lastSnapshot { id key url width height bytes format capturedAt }\n        }\n      }\n    }\n  }\n": typeof types.ConsoleLiveStreamsDocument,
    "\n  subscription ConsoleSnapshotCreated {\n    snapshotCreated { id domain appName streamName key url width height bytes format capturedAt }\n  }\n": typeof types.ConsoleSnapshotCreatedDocument,
    "\n  mutation ConsoleCaptureSnapshot($domain: String!, $app: String!, $stream: String!) {\n    captureSnapshot(domain: $domain, app: $app, stream: $stream) { id domain appName streamName key url width height bytes format capturedAt }\n  }\n": typeof types.ConsoleCaptureSnapshotDocument,
    "\n  query ConsoleSnapshots($domain: String!, $app: String, $stream: String, $from: DateTime, $to: DateTime, $after: String) {\n    snapshots(domain: $domain, app: $app, stream: $stream, from: $from, to: $to, first: 24, after: $after) {\n      edges { node { id domain appName streamName key url width height bytes format capturedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.ConsoleSnapshotsDocument,
};
const documents: Documents = {
    "\n  query ConsoleViewer {\n    viewer { role operator account { id name } }\n  }\n": types.ConsoleViewerDocument,
    "\n  query ConsoleDomainGroups {\n    domainGroups(first: 100) {\n      edges { node { id pushDomain playDomain sourceId pushAuth createdAt pushAuthKeys { primary backup } } }\n    }\n  }\n": types.ConsoleDomainGroupsDocument,
    "\n  mutation ConsoleCreateDomainGroup($input: CreateDomainGroupInput!) {\n    createDomainGroup(input: $input) { id }\n  }\n": types.ConsoleCreateDomainGroupDocument,
    "\n  mutation ConsoleUpdateDomainGroup($id: ID!, $input: UpdateDomainGroupInput!) {\n    updateDomainGroup(id: $id, input: $input) { id pushAuth }\n  }\n": types.ConsoleUpdateDomainGroupDocument,
    "\n  mutation ConsoleRotatePushAuthKey($id: ID!) {\n    rotatePushAuthKey(id: $id) { id }\n  }\n": types.ConsoleRotatePushAuthKeyDocument,
    "\n  mutation ConsoleDeleteDomainGroup($id: ID!) {\n    deleteDomainGroup(id: $id)\n  }\n": types.ConsoleDeleteDomainGroupDocument,
    "\n  query ConsolePushUrl($domain: String!, $app: String!, $stream: String!) {\n    pushUrl(domain: $domain, app: $app, stream: $stream) { url server streamKey expiresAt }\n  }\n": types.ConsolePushUrlDocument,
    "\n  query ConsoleTemplates {\n    snapshotTemplates(first: 100) {\n      edges {\n        node { id name format intervalSeconds width height fillMode storageMode bucket createdAt updatedAt }\n      }\n    }\n  }\n": types.ConsoleTemplatesDocument,
    "\n  mutation ConsoleCreateTemplate($input: CreateSnapshotTemplateInput!) {\n    createSnapshotTemplate(input: $input) { id }\n  }\n": types.ConsoleCreateTemplateDocument,
    "\n  mutation ConsoleUpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) {\n    updateSnapshotTemplate(id: $id, input: $input) { id }\n  }\n": types.ConsoleUpdateTemplateDocument,
    "\n  mutation ConsoleDeleteTemplate($id: ID!) {\n    deleteSnapshotTemplate(id: $id)\n  }\n": types.ConsoleDeleteTemplateDocument,
    "\n  query ConsoleBindings {\n    snapshotConfigs(first: 100) {\n      edges { node { id domain appName streamName level createdAt template { id name } } }\n    }\n  }\n": types.ConsoleBindingsDocument,
    "\n  mutation ConsoleCreateBinding($input: CreateSnapshotConfigInput!) {\n    createSnapshotConfig(input: $input) { id }\n  }\n": types.ConsoleCreateBindingDocument,
    "\n  mutation ConsoleDeleteBinding($id: ID!) {\n    deleteSnapshotConfig(id: $id)\n  }\n": types.ConsoleDeleteBindingDocument,
    "\n  query ConsoleEffectiveTemplate($domain: String!, $app: String!, $stream: String!) {\n    effectiveTemplate(domain: $domain, app: $app, stream: $stream) {\n      level\n      template { id name format intervalSeconds }\n      config { id domain appName streamName }\n    }\n  }\n": types.ConsoleEffectiveTemplateDocument,
    "\n  query ConsoleLiveStreams {\n    liveStreams(status: LIVE, first: 100) {\n      edges {\n        node {\n          id domain appName streamName startedAt\n          template { id name intervalSeconds }\n          lastSnapshot { id key url width height bytes format capturedAt }\n        }\n      }\n    }\n  }\n": types.ConsoleLiveStreamsDocument,
    "\n  subscription ConsoleSnapshotCreated {\n    snapshotCreated { id domain appName streamName key url width height bytes format capturedAt }\n  }\n": types.ConsoleSnapshotCreatedDocument,
    "\n  mutation ConsoleCaptureSnapshot($domain: String!, $app: String!, $stream: String!) {\n    captureSnapshot(domain: $domain, app: $app, stream: $stream) { id domain appName streamName key url width height bytes format capturedAt }\n  }\n": types.ConsoleCaptureSnapshotDocument,
    "\n  query ConsoleSnapshots($domain: String!, $app: String, $stream: String, $from: DateTime, $to: DateTime, $after: String) {\n    snapshots(domain: $domain, app: $app, stream: $stream, from: $from, to: $to, first: 24, after: $after) {\n      edges { node { id domain appName streamName key url width height bytes format capturedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.ConsoleSnapshotsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleViewer {\n    viewer { role operator account { id name } }\n  }\n"): typeof import('./graphql').ConsoleViewerDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleDomainGroups {\n    domainGroups(first: 100) {\n      edges { node { id pushDomain playDomain sourceId pushAuth createdAt pushAuthKeys { primary backup } } }\n    }\n  }\n"): typeof import('./graphql').ConsoleDomainGroupsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCreateDomainGroup($input: CreateDomainGroupInput!) {\n    createDomainGroup(input: $input) { id }\n  }\n"): typeof import('./graphql').ConsoleCreateDomainGroupDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleUpdateDomainGroup($id: ID!, $input: UpdateDomainGroupInput!) {\n    updateDomainGroup(id: $id, input: $input) { id pushAuth }\n  }\n"): typeof import('./graphql').ConsoleUpdateDomainGroupDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRotatePushAuthKey($id: ID!) {\n    rotatePushAuthKey(id: $id) { id }\n  }\n"): typeof import('./graphql').ConsoleRotatePushAuthKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleDeleteDomainGroup($id: ID!) {\n    deleteDomainGroup(id: $id)\n  }\n"): typeof import('./graphql').ConsoleDeleteDomainGroupDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsolePushUrl($domain: String!, $app: String!, $stream: String!) {\n    pushUrl(domain: $domain, app: $app, stream: $stream) { url server streamKey expiresAt }\n  }\n"): typeof import('./graphql').ConsolePushUrlDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleTemplates {\n    snapshotTemplates(first: 100) {\n      edges {\n        node { id name format intervalSeconds width height fillMode storageMode bucket createdAt updatedAt }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleTemplatesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCreateTemplate($input: CreateSnapshotTemplateInput!) {\n    createSnapshotTemplate(input: $input) { id }\n  }\n"): typeof import('./graphql').ConsoleCreateTemplateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleUpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) {\n    updateSnapshotTemplate(id: $id, input: $input) { id }\n  }\n"): typeof import('./graphql').ConsoleUpdateTemplateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleDeleteTemplate($id: ID!) {\n    deleteSnapshotTemplate(id: $id)\n  }\n"): typeof import('./graphql').ConsoleDeleteTemplateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleBindings {\n    snapshotConfigs(first: 100) {\n      edges { node { id domain appName streamName level createdAt template { id name } } }\n    }\n  }\n"): typeof import('./graphql').ConsoleBindingsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCreateBinding($input: CreateSnapshotConfigInput!) {\n    createSnapshotConfig(input: $input) { id }\n  }\n"): typeof import('./graphql').ConsoleCreateBindingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleDeleteBinding($id: ID!) {\n    deleteSnapshotConfig(id: $id)\n  }\n"): typeof import('./graphql').ConsoleDeleteBindingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleEffectiveTemplate($domain: String!, $app: String!, $stream: String!) {\n    effectiveTemplate(domain: $domain, app: $app, stream: $stream) {\n      level\n      template { id name format intervalSeconds }\n      config { id domain appName streamName }\n    }\n  }\n"): typeof import('./graphql').ConsoleEffectiveTemplateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleLiveStreams {\n    liveStreams(status: LIVE, first: 100) {\n      edges {\n        node {\n          id domain appName streamName startedAt\n          template { id name intervalSeconds }\n          lastSnapshot { id key url width height bytes format capturedAt }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleLiveStreamsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleSnapshotCreated {\n    snapshotCreated { id domain appName streamName key url width height bytes format capturedAt }\n  }\n"): typeof import('./graphql').ConsoleSnapshotCreatedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCaptureSnapshot($domain: String!, $app: String!, $stream: String!) {\n    captureSnapshot(domain: $domain, app: $app, stream: $stream) { id domain appName streamName key url width height bytes format capturedAt }\n  }\n"): typeof import('./graphql').ConsoleCaptureSnapshotDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleSnapshots($domain: String!, $app: String, $stream: String, $from: DateTime, $to: DateTime, $after: String) {\n    snapshots(domain: $domain, app: $app, stream: $stream, from: $from, to: $to, first: 24, after: $after) {\n      edges { node { id domain appName streamName key url width height bytes format capturedAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): typeof import('./graphql').ConsoleSnapshotsDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
