/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

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
    "\n  mutation E2ECreateCallback($input: CreateSnapshotCallbackInput!) {\n    createSnapshotCallback(input: $input) { id signingSecret }\n  }\n": typeof types.E2ECreateCallbackDocument,
    "\n  query E2EDeliveries($callbackId: ID!) {\n    snapshotCallbackDeliveries(callbackId: $callbackId, first: 100) {\n      edges { node { id webhookId snapshotId status attempts lastStatusCode lastError deliveredAt } }\n    }\n  }\n": typeof types.E2EDeliveriesDocument,
    "\n  query E2ECallbackSnapshots($domain: String!) {\n    snapshots(domain: $domain, first: 100) {\n      edges { node { id domain appName streamName sourceId key bucket format width height bytes capturedAt } }\n    }\n  }\n": typeof types.E2ECallbackSnapshotsDocument,
    "\n  mutation E2ECaptureSnapshot($domain: String!, $app: String!, $stream: String!) {\n    captureSnapshot(domain: $domain, app: $app, stream: $stream) { id key format width height bytes capturedAt url streamName }\n  }\n": typeof types.E2ECaptureSnapshotDocument,
    "\n  query E2ECaptureLiveNow($domain: String) {\n    liveStreams(domain: $domain, status: LIVE) { edges { node { streamName } } }\n  }\n": typeof types.E2ECaptureLiveNowDocument,
    "\n  query E2ERulesSnapshots($domain: String!, $app: String, $stream: String) {\n    snapshots(domain: $domain, app: $app, stream: $stream) {\n      edges { node { key sourceId domain appName streamName capturedAt } }\n    }\n  }\n": typeof types.E2ERulesSnapshotsDocument,
    "\n  query E2ELiveStreams($domain: String, $status: LiveStreamStatus) {\n    liveStreams(domain: $domain, status: $status) {\n      edges { node { id appName streamName status sourceId endedAt template { name intervalSeconds width } lastSnapshot { key } } }\n    }\n  }\n": typeof types.E2ELiveStreamsDocument,
    "\n  query E2ESnapshots($domain: String!, $app: String, $stream: String) {\n    snapshots(domain: $domain, app: $app, stream: $stream) {\n      edges { node { key format width height bytes capturedAt url urlExpiresAt } }\n    }\n  }\n": typeof types.E2ESnapshotsDocument,
    "\n  mutation E2EUpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) { updateSnapshotTemplate(id: $id, input: $input) { id } }\n": typeof types.E2EUpdateTemplateDocument,
    "\n  query HookedLiveStreams($domain: String) {\n    liveStreams(domain: $domain) { edges { node { id streamName status template { name } } } }\n  }\n": typeof types.HookedLiveStreamsDocument,
    "\n  query EmbeddedPushKeys { domainGroups { edges { node { id pushDomain pushAuthKeys { primary backup } } } } }\n": typeof types.EmbeddedPushKeysDocument,
    "\n  query NginxPushKeys { domainGroups { edges { node { id pushAuthKeys { primary backup } } } } }\n": typeof types.NginxPushKeysDocument,
    "\n  mutation E2ERetentionTemplate($input: CreateSnapshotTemplateInput!) { createSnapshotTemplate(input: $input) { id retentionDays } }\n": typeof types.E2ERetentionTemplateDocument,
    "\n  query E2ERetentionFrozen($domain: String) { liveStreams(domain: $domain) { edges { node { template { retentionDays } } } } }\n": typeof types.E2ERetentionFrozenDocument,
    "\n  query RestartSnapshots($domain: String!) { snapshots(domain: $domain) { edges { node { key } } } }\n": typeof types.RestartSnapshotsDocument,
    "mutation CreateAccount($name: String!) { createAccount(name: $name) { id name } }": typeof types.CreateAccountDocument,
    "\n  mutation CreateToken($accountId: ID!, $role: Role!) {\n    createApiToken(accountId: $accountId, role: $role) { token apiToken { id role accountId } }\n  }\n": typeof types.CreateTokenDocument,
    "mutation RevokeToken($id: ID!) { revokeApiToken(id: $id) }": typeof types.RevokeTokenDocument,
    "query AuthTemplates { snapshotTemplates { edges { node { name } } } }": typeof types.AuthTemplatesDocument,
    "\n  query Configs($domain: String, $first: Int, $after: String) {\n    snapshotConfigs(domain: $domain, first: $first, after: $after) {\n      edges { node { id domain appName streamName level template { name } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.ConfigsDocument,
    "mutation DeleteConfig($id: ID!) { deleteSnapshotConfig(id: $id) }": typeof types.DeleteConfigDocument,
    "mutation DeleteTemplateInUse($id: ID!) { deleteSnapshotTemplate(id: $id) }": typeof types.DeleteTemplateInUseDocument,
    "mutation DeleteDomainGroupInUse($id: ID!) { deleteDomainGroup(id: $id) }": typeof types.DeleteDomainGroupInUseDocument,
    "\n  mutation CreateCallback($input: CreateSnapshotCallbackInput!) {\n    createSnapshotCallback(input: $input) { id domain url format signingSecret createdAt }\n  }\n": typeof types.CreateCallbackDocument,
    "\n  mutation UpdateCallback($id: ID!, $input: UpdateSnapshotCallbackInput!) {\n    updateSnapshotCallback(id: $id, input: $input) { id domain url format signingSecret }\n  }\n": typeof types.UpdateCallbackDocument,
    "mutation DeleteCallback($id: ID!) { deleteSnapshotCallback(id: $id) }": typeof types.DeleteCallbackDocument,
    "\n  query Callbacks($domain: String, $first: Int, $after: String) {\n    snapshotCallbacks(domain: $domain, first: $first, after: $after) {\n      edges { cursor node { id domain url format signingSecret } }\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n    }\n  }\n": typeof types.CallbacksDocument,
    "\n  query Deliveries($callbackId: ID!, $status: CallbackDeliveryStatus, $first: Int, $after: String) {\n    snapshotCallbackDeliveries(callbackId: $callbackId, status: $status, first: $first, after: $after) {\n      edges { node { id webhookId snapshotId status attempts lastStatusCode lastError nextAttemptAt createdAt deliveredAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.DeliveriesDocument,
    "\n  mutation Redeliver($deliveryId: ID!) { redeliverSnapshotCallback(deliveryId: $deliveryId) { id webhookId status attempts nextAttemptAt } }\n": typeof types.RedeliverDocument,
    "\n  query DomainGroups($first: Int, $after: String) {\n    domainGroups(first: $first, after: $after) {\n      edges { node { id pushDomain playDomain sourceId } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.DomainGroupsDocument,
    "\n  query Everything($domain: String!) {\n    domainGroups { edges { node { id } } }\n    snapshotTemplates { edges { node { id } } }\n    snapshotConfigs { edges { node { id } } }\n    liveStreams { edges { node { id } } }\n    snapshots(domain: $domain) { edges { node { id } } }\n  }\n": typeof types.EverythingDocument,
    "query IsoTemplate($id: ID!) { snapshotTemplate(id: $id) { id name } }": typeof types.IsoTemplateDocument,
    "query IsoConfigs($domain: String) { snapshotConfigs(domain: $domain) { edges { node { id } } } }": typeof types.IsoConfigsDocument,
    "query IsoLive($domain: String) { liveStreams(domain: $domain) { edges { node { id } } } }": typeof types.IsoLiveDocument,
    "\n  mutation IsoUpdate($id: ID!, $input: UpdateSnapshotTemplateInput!) { updateSnapshotTemplate(id: $id, input: $input) { id } }\n": typeof types.IsoUpdateDocument,
    "mutation IsoDeleteTemplate($id: ID!) { deleteSnapshotTemplate(id: $id) }": typeof types.IsoDeleteTemplateDocument,
    "mutation IsoDeleteConfig($id: ID!) { deleteSnapshotConfig(id: $id) }": typeof types.IsoDeleteConfigDocument,
    "mutation IsoDeleteGroup($id: ID!) { deleteDomainGroup(id: $id) }": typeof types.IsoDeleteGroupDocument,
    "mutation IsoRevoke($id: ID!) { revokeApiToken(id: $id) }": typeof types.IsoRevokeDocument,
    "mutation IsoToken($accountId: ID!) { createApiToken(accountId: $accountId, role: ADMIN) { token } }": typeof types.IsoTokenDocument,
    "\n  query GroupKeys { domainGroups(first: 50) { edges { node { id pushDomain pushAuth pushAuthKeys { primary backup } } } } }\n": typeof types.GroupKeysDocument,
    "\n  mutation CreateRetainingTemplate($input: CreateSnapshotTemplateInput!) {\n    createSnapshotTemplate(input: $input) { id retentionDays }\n  }\n": typeof types.CreateRetainingTemplateDocument,
    "\n  mutation UpdateRetention($id: ID!, $input: UpdateSnapshotTemplateInput!) {\n    updateSnapshotTemplate(id: $id, input: $input) { id retentionDays }\n  }\n": typeof types.UpdateRetentionDocument,
    "\n  query SnapshotById($id: ID!) { snapshot(id: $id) { id key bucket bytes url urlExpiresAt } }\n": typeof types.SnapshotByIdDocument,
    "mutation DeleteSnapshots($ids: [ID!]!) { deleteSnapshots(ids: $ids) }": typeof types.DeleteSnapshotsDocument,
    "\n  mutation DeleteSnapshotsOf($domain: String!, $app: String!, $stream: String!, $before: DateTime!) {\n    deleteSnapshotsOf(domain: $domain, app: $app, stream: $stream, before: $before)\n  }\n": typeof types.DeleteSnapshotsOfDocument,
    "\n  query Stats($domain: String!, $app: String, $stream: String, $from: DateTime!, $to: DateTime!, $bucket: StatsBucket!) {\n    snapshotStats(domain: $domain, app: $app, stream: $stream, from: $from, to: $to, bucket: $bucket) { start count bytes }\n  }\n": typeof types.StatsDocument,
    "\n  query Templates($first: Int, $after: String) {\n    snapshotTemplates(first: $first, after: $after) {\n      edges { cursor node { id name } }\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n    }\n  }\n": typeof types.TemplatesDocument,
    "\n  query GetTemplate($id: ID!) { snapshotTemplate(id: $id) { id name intervalSeconds width height fillMode bucket } }\n": typeof types.GetTemplateDocument,
    "\n  mutation UpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) {\n    updateSnapshotTemplate(id: $id, input: $input) { id name intervalSeconds width height updatedAt createdAt }\n  }\n": typeof types.UpdateTemplateDocument,
    "mutation DeleteTemplate($id: ID!) { deleteSnapshotTemplate(id: $id) }": typeof types.DeleteTemplateDocument,
    "\n  mutation RevocationCreateToken($accountId: ID!, $role: Role!) { createApiToken(accountId: $accountId, role: $role) { token apiToken { id } } }\n": typeof types.RevocationCreateTokenDocument,
    "mutation RevocationRevoke($id: ID!) { revokeApiToken(id: $id) }": typeof types.RevocationRevokeDocument,
    "query RevocationTemplates { snapshotTemplates { edges { cursor } } }": typeof types.RevocationTemplatesDocument,
    "\n  query Viewer {\n    viewer { role operator account { id name } }\n  }\n": typeof types.ViewerDocument,
    "\n  mutation WsCreateToken($accountId: ID!, $role: Role!) { createApiToken(accountId: $accountId, role: $role) { token apiToken { id } } }\n": typeof types.WsCreateTokenDocument,
    "mutation WsRevoke($id: ID!) { revokeApiToken(id: $id) }": typeof types.WsRevokeDocument,
    "query WsTemplates { snapshotTemplates { edges { cursor } } }": typeof types.WsTemplatesDocument,
    "\n  mutation CreateDomainGroup($input: CreateDomainGroupInput!) {\n    createDomainGroup(input: $input) { id pushDomain playDomain sourceId createdAt }\n  }\n": typeof types.CreateDomainGroupDocument,
    "\n  mutation CreateTemplate($input: CreateSnapshotTemplateInput!) {\n    createSnapshotTemplate(input: $input) {\n      id name format intervalSeconds width height fillMode storageMode bucket createdAt updatedAt\n    }\n  }\n": typeof types.CreateTemplateDocument,
    "\n  mutation CreateConfig($input: CreateSnapshotConfigInput!) {\n    createSnapshotConfig(input: $input) { id domain appName streamName level template { id name } }\n  }\n": typeof types.CreateConfigDocument,
    "\n  query Effective($domain: String!, $app: String!, $stream: String!) {\n    effectiveTemplate(domain: $domain, app: $app, stream: $stream) {\n      level\n      template { id name }\n      config { id level appName streamName }\n    }\n  }\n": typeof types.EffectiveDocument,
    "\n  query PushUrl($domain: String!, $app: String!, $stream: String!, $expiresInSeconds: Int) {\n    pushUrl(domain: $domain, app: $app, stream: $stream, expiresInSeconds: $expiresInSeconds) { url server streamKey expiresAt }\n  }\n": typeof types.PushUrlDocument,
    "\n  mutation UpdateDomainGroup($id: ID!, $input: UpdateDomainGroupInput!) {\n    updateDomainGroup(id: $id, input: $input) { id pushDomain playDomain pushAuth pushAuthKeys { primary backup } }\n  }\n": typeof types.UpdateDomainGroupDocument,
    "\n  mutation RotatePushAuthKey($id: ID!) {\n    rotatePushAuthKey(id: $id) { id pushAuth pushAuthKeys { primary backup } }\n  }\n": typeof types.RotatePushAuthKeyDocument,
};
const documents: Documents = {
    "\n  mutation E2ECreateCallback($input: CreateSnapshotCallbackInput!) {\n    createSnapshotCallback(input: $input) { id signingSecret }\n  }\n": types.E2ECreateCallbackDocument,
    "\n  query E2EDeliveries($callbackId: ID!) {\n    snapshotCallbackDeliveries(callbackId: $callbackId, first: 100) {\n      edges { node { id webhookId snapshotId status attempts lastStatusCode lastError deliveredAt } }\n    }\n  }\n": types.E2EDeliveriesDocument,
    "\n  query E2ECallbackSnapshots($domain: String!) {\n    snapshots(domain: $domain, first: 100) {\n      edges { node { id domain appName streamName sourceId key bucket format width height bytes capturedAt } }\n    }\n  }\n": types.E2ECallbackSnapshotsDocument,
    "\n  mutation E2ECaptureSnapshot($domain: String!, $app: String!, $stream: String!) {\n    captureSnapshot(domain: $domain, app: $app, stream: $stream) { id key format width height bytes capturedAt url streamName }\n  }\n": types.E2ECaptureSnapshotDocument,
    "\n  query E2ECaptureLiveNow($domain: String) {\n    liveStreams(domain: $domain, status: LIVE) { edges { node { streamName } } }\n  }\n": types.E2ECaptureLiveNowDocument,
    "\n  query E2ERulesSnapshots($domain: String!, $app: String, $stream: String) {\n    snapshots(domain: $domain, app: $app, stream: $stream) {\n      edges { node { key sourceId domain appName streamName capturedAt } }\n    }\n  }\n": types.E2ERulesSnapshotsDocument,
    "\n  query E2ELiveStreams($domain: String, $status: LiveStreamStatus) {\n    liveStreams(domain: $domain, status: $status) {\n      edges { node { id appName streamName status sourceId endedAt template { name intervalSeconds width } lastSnapshot { key } } }\n    }\n  }\n": types.E2ELiveStreamsDocument,
    "\n  query E2ESnapshots($domain: String!, $app: String, $stream: String) {\n    snapshots(domain: $domain, app: $app, stream: $stream) {\n      edges { node { key format width height bytes capturedAt url urlExpiresAt } }\n    }\n  }\n": types.E2ESnapshotsDocument,
    "\n  mutation E2EUpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) { updateSnapshotTemplate(id: $id, input: $input) { id } }\n": types.E2EUpdateTemplateDocument,
    "\n  query HookedLiveStreams($domain: String) {\n    liveStreams(domain: $domain) { edges { node { id streamName status template { name } } } }\n  }\n": types.HookedLiveStreamsDocument,
    "\n  query EmbeddedPushKeys { domainGroups { edges { node { id pushDomain pushAuthKeys { primary backup } } } } }\n": types.EmbeddedPushKeysDocument,
    "\n  query NginxPushKeys { domainGroups { edges { node { id pushAuthKeys { primary backup } } } } }\n": types.NginxPushKeysDocument,
    "\n  mutation E2ERetentionTemplate($input: CreateSnapshotTemplateInput!) { createSnapshotTemplate(input: $input) { id retentionDays } }\n": types.E2ERetentionTemplateDocument,
    "\n  query E2ERetentionFrozen($domain: String) { liveStreams(domain: $domain) { edges { node { template { retentionDays } } } } }\n": types.E2ERetentionFrozenDocument,
    "\n  query RestartSnapshots($domain: String!) { snapshots(domain: $domain) { edges { node { key } } } }\n": types.RestartSnapshotsDocument,
    "mutation CreateAccount($name: String!) { createAccount(name: $name) { id name } }": types.CreateAccountDocument,
    "\n  mutation CreateToken($accountId: ID!, $role: Role!) {\n    createApiToken(accountId: $accountId, role: $role) { token apiToken { id role accountId } }\n  }\n": types.CreateTokenDocument,
    "mutation RevokeToken($id: ID!) { revokeApiToken(id: $id) }": types.RevokeTokenDocument,
    "query AuthTemplates { snapshotTemplates { edges { node { name } } } }": types.AuthTemplatesDocument,
    "\n  query Configs($domain: String, $first: Int, $after: String) {\n    snapshotConfigs(domain: $domain, first: $first, after: $after) {\n      edges { node { id domain appName streamName level template { name } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.ConfigsDocument,
    "mutation DeleteConfig($id: ID!) { deleteSnapshotConfig(id: $id) }": types.DeleteConfigDocument,
    "mutation DeleteTemplateInUse($id: ID!) { deleteSnapshotTemplate(id: $id) }": types.DeleteTemplateInUseDocument,
    "mutation DeleteDomainGroupInUse($id: ID!) { deleteDomainGroup(id: $id) }": types.DeleteDomainGroupInUseDocument,
    "\n  mutation CreateCallback($input: CreateSnapshotCallbackInput!) {\n    createSnapshotCallback(input: $input) { id domain url format signingSecret createdAt }\n  }\n": types.CreateCallbackDocument,
    "\n  mutation UpdateCallback($id: ID!, $input: UpdateSnapshotCallbackInput!) {\n    updateSnapshotCallback(id: $id, input: $input) { id domain url format signingSecret }\n  }\n": types.UpdateCallbackDocument,
    "mutation DeleteCallback($id: ID!) { deleteSnapshotCallback(id: $id) }": types.DeleteCallbackDocument,
    "\n  query Callbacks($domain: String, $first: Int, $after: String) {\n    snapshotCallbacks(domain: $domain, first: $first, after: $after) {\n      edges { cursor node { id domain url format signingSecret } }\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n    }\n  }\n": types.CallbacksDocument,
    "\n  query Deliveries($callbackId: ID!, $status: CallbackDeliveryStatus, $first: Int, $after: String) {\n    snapshotCallbackDeliveries(callbackId: $callbackId, status: $status, first: $first, after: $after) {\n      edges { node { id webhookId snapshotId status attempts lastStatusCode lastError nextAttemptAt createdAt deliveredAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.DeliveriesDocument,
    "\n  mutation Redeliver($deliveryId: ID!) { redeliverSnapshotCallback(deliveryId: $deliveryId) { id webhookId status attempts nextAttemptAt } }\n": types.RedeliverDocument,
    "\n  query DomainGroups($first: Int, $after: String) {\n    domainGroups(first: $first, after: $after) {\n      edges { node { id pushDomain playDomain sourceId } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.DomainGroupsDocument,
    "\n  query Everything($domain: String!) {\n    domainGroups { edges { node { id } } }\n    snapshotTemplates { edges { node { id } } }\n    snapshotConfigs { edges { node { id } } }\n    liveStreams { edges { node { id } } }\n    snapshots(domain: $domain) { edges { node { id } } }\n  }\n": types.EverythingDocument,
    "query IsoTemplate($id: ID!) { snapshotTemplate(id: $id) { id name } }": types.IsoTemplateDocument,
    "query IsoConfigs($domain: String) { snapshotConfigs(domain: $domain) { edges { node { id } } } }": types.IsoConfigsDocument,
    "query IsoLive($domain: String) { liveStreams(domain: $domain) { edges { node { id } } } }": types.IsoLiveDocument,
    "\n  mutation IsoUpdate($id: ID!, $input: UpdateSnapshotTemplateInput!) { updateSnapshotTemplate(id: $id, input: $input) { id } }\n": types.IsoUpdateDocument,
    "mutation IsoDeleteTemplate($id: ID!) { deleteSnapshotTemplate(id: $id) }": types.IsoDeleteTemplateDocument,
    "mutation IsoDeleteConfig($id: ID!) { deleteSnapshotConfig(id: $id) }": types.IsoDeleteConfigDocument,
    "mutation IsoDeleteGroup($id: ID!) { deleteDomainGroup(id: $id) }": types.IsoDeleteGroupDocument,
    "mutation IsoRevoke($id: ID!) { revokeApiToken(id: $id) }": types.IsoRevokeDocument,
    "mutation IsoToken($accountId: ID!) { createApiToken(accountId: $accountId, role: ADMIN) { token } }": types.IsoTokenDocument,
    "\n  query GroupKeys { domainGroups(first: 50) { edges { node { id pushDomain pushAuth pushAuthKeys { primary backup } } } } }\n": types.GroupKeysDocument,
    "\n  mutation CreateRetainingTemplate($input: CreateSnapshotTemplateInput!) {\n    createSnapshotTemplate(input: $input) { id retentionDays }\n  }\n": types.CreateRetainingTemplateDocument,
    "\n  mutation UpdateRetention($id: ID!, $input: UpdateSnapshotTemplateInput!) {\n    updateSnapshotTemplate(id: $id, input: $input) { id retentionDays }\n  }\n": types.UpdateRetentionDocument,
    "\n  query SnapshotById($id: ID!) { snapshot(id: $id) { id key bucket bytes url urlExpiresAt } }\n": types.SnapshotByIdDocument,
    "mutation DeleteSnapshots($ids: [ID!]!) { deleteSnapshots(ids: $ids) }": types.DeleteSnapshotsDocument,
    "\n  mutation DeleteSnapshotsOf($domain: String!, $app: String!, $stream: String!, $before: DateTime!) {\n    deleteSnapshotsOf(domain: $domain, app: $app, stream: $stream, before: $before)\n  }\n": types.DeleteSnapshotsOfDocument,
    "\n  query Stats($domain: String!, $app: String, $stream: String, $from: DateTime!, $to: DateTime!, $bucket: StatsBucket!) {\n    snapshotStats(domain: $domain, app: $app, stream: $stream, from: $from, to: $to, bucket: $bucket) { start count bytes }\n  }\n": types.StatsDocument,
    "\n  query Templates($first: Int, $after: String) {\n    snapshotTemplates(first: $first, after: $after) {\n      edges { cursor node { id name } }\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n    }\n  }\n": types.TemplatesDocument,
    "\n  query GetTemplate($id: ID!) { snapshotTemplate(id: $id) { id name intervalSeconds width height fillMode bucket } }\n": types.GetTemplateDocument,
    "\n  mutation UpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) {\n    updateSnapshotTemplate(id: $id, input: $input) { id name intervalSeconds width height updatedAt createdAt }\n  }\n": types.UpdateTemplateDocument,
    "mutation DeleteTemplate($id: ID!) { deleteSnapshotTemplate(id: $id) }": types.DeleteTemplateDocument,
    "\n  mutation RevocationCreateToken($accountId: ID!, $role: Role!) { createApiToken(accountId: $accountId, role: $role) { token apiToken { id } } }\n": types.RevocationCreateTokenDocument,
    "mutation RevocationRevoke($id: ID!) { revokeApiToken(id: $id) }": types.RevocationRevokeDocument,
    "query RevocationTemplates { snapshotTemplates { edges { cursor } } }": types.RevocationTemplatesDocument,
    "\n  query Viewer {\n    viewer { role operator account { id name } }\n  }\n": types.ViewerDocument,
    "\n  mutation WsCreateToken($accountId: ID!, $role: Role!) { createApiToken(accountId: $accountId, role: $role) { token apiToken { id } } }\n": types.WsCreateTokenDocument,
    "mutation WsRevoke($id: ID!) { revokeApiToken(id: $id) }": types.WsRevokeDocument,
    "query WsTemplates { snapshotTemplates { edges { cursor } } }": types.WsTemplatesDocument,
    "\n  mutation CreateDomainGroup($input: CreateDomainGroupInput!) {\n    createDomainGroup(input: $input) { id pushDomain playDomain sourceId createdAt }\n  }\n": types.CreateDomainGroupDocument,
    "\n  mutation CreateTemplate($input: CreateSnapshotTemplateInput!) {\n    createSnapshotTemplate(input: $input) {\n      id name format intervalSeconds width height fillMode storageMode bucket createdAt updatedAt\n    }\n  }\n": types.CreateTemplateDocument,
    "\n  mutation CreateConfig($input: CreateSnapshotConfigInput!) {\n    createSnapshotConfig(input: $input) { id domain appName streamName level template { id name } }\n  }\n": types.CreateConfigDocument,
    "\n  query Effective($domain: String!, $app: String!, $stream: String!) {\n    effectiveTemplate(domain: $domain, app: $app, stream: $stream) {\n      level\n      template { id name }\n      config { id level appName streamName }\n    }\n  }\n": types.EffectiveDocument,
    "\n  query PushUrl($domain: String!, $app: String!, $stream: String!, $expiresInSeconds: Int) {\n    pushUrl(domain: $domain, app: $app, stream: $stream, expiresInSeconds: $expiresInSeconds) { url server streamKey expiresAt }\n  }\n": types.PushUrlDocument,
    "\n  mutation UpdateDomainGroup($id: ID!, $input: UpdateDomainGroupInput!) {\n    updateDomainGroup(id: $id, input: $input) { id pushDomain playDomain pushAuth pushAuthKeys { primary backup } }\n  }\n": types.UpdateDomainGroupDocument,
    "\n  mutation RotatePushAuthKey($id: ID!) {\n    rotatePushAuthKey(id: $id) { id pushAuth pushAuthKeys { primary backup } }\n  }\n": types.RotatePushAuthKeyDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation E2ECreateCallback($input: CreateSnapshotCallbackInput!) {\n    createSnapshotCallback(input: $input) { id signingSecret }\n  }\n"): (typeof documents)["\n  mutation E2ECreateCallback($input: CreateSnapshotCallbackInput!) {\n    createSnapshotCallback(input: $input) { id signingSecret }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query E2EDeliveries($callbackId: ID!) {\n    snapshotCallbackDeliveries(callbackId: $callbackId, first: 100) {\n      edges { node { id webhookId snapshotId status attempts lastStatusCode lastError deliveredAt } }\n    }\n  }\n"): (typeof documents)["\n  query E2EDeliveries($callbackId: ID!) {\n    snapshotCallbackDeliveries(callbackId: $callbackId, first: 100) {\n      edges { node { id webhookId snapshotId status attempts lastStatusCode lastError deliveredAt } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query E2ECallbackSnapshots($domain: String!) {\n    snapshots(domain: $domain, first: 100) {\n      edges { node { id domain appName streamName sourceId key bucket format width height bytes capturedAt } }\n    }\n  }\n"): (typeof documents)["\n  query E2ECallbackSnapshots($domain: String!) {\n    snapshots(domain: $domain, first: 100) {\n      edges { node { id domain appName streamName sourceId key bucket format width height bytes capturedAt } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation E2ECaptureSnapshot($domain: String!, $app: String!, $stream: String!) {\n    captureSnapshot(domain: $domain, app: $app, stream: $stream) { id key format width height bytes capturedAt url streamName }\n  }\n"): (typeof documents)["\n  mutation E2ECaptureSnapshot($domain: String!, $app: String!, $stream: String!) {\n    captureSnapshot(domain: $domain, app: $app, stream: $stream) { id key format width height bytes capturedAt url streamName }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query E2ECaptureLiveNow($domain: String) {\n    liveStreams(domain: $domain, status: LIVE) { edges { node { streamName } } }\n  }\n"): (typeof documents)["\n  query E2ECaptureLiveNow($domain: String) {\n    liveStreams(domain: $domain, status: LIVE) { edges { node { streamName } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query E2ERulesSnapshots($domain: String!, $app: String, $stream: String) {\n    snapshots(domain: $domain, app: $app, stream: $stream) {\n      edges { node { key sourceId domain appName streamName capturedAt } }\n    }\n  }\n"): (typeof documents)["\n  query E2ERulesSnapshots($domain: String!, $app: String, $stream: String) {\n    snapshots(domain: $domain, app: $app, stream: $stream) {\n      edges { node { key sourceId domain appName streamName capturedAt } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query E2ELiveStreams($domain: String, $status: LiveStreamStatus) {\n    liveStreams(domain: $domain, status: $status) {\n      edges { node { id appName streamName status sourceId endedAt template { name intervalSeconds width } lastSnapshot { key } } }\n    }\n  }\n"): (typeof documents)["\n  query E2ELiveStreams($domain: String, $status: LiveStreamStatus) {\n    liveStreams(domain: $domain, status: $status) {\n      edges { node { id appName streamName status sourceId endedAt template { name intervalSeconds width } lastSnapshot { key } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query E2ESnapshots($domain: String!, $app: String, $stream: String) {\n    snapshots(domain: $domain, app: $app, stream: $stream) {\n      edges { node { key format width height bytes capturedAt url urlExpiresAt } }\n    }\n  }\n"): (typeof documents)["\n  query E2ESnapshots($domain: String!, $app: String, $stream: String) {\n    snapshots(domain: $domain, app: $app, stream: $stream) {\n      edges { node { key format width height bytes capturedAt url urlExpiresAt } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation E2EUpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) { updateSnapshotTemplate(id: $id, input: $input) { id } }\n"): (typeof documents)["\n  mutation E2EUpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) { updateSnapshotTemplate(id: $id, input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HookedLiveStreams($domain: String) {\n    liveStreams(domain: $domain) { edges { node { id streamName status template { name } } } }\n  }\n"): (typeof documents)["\n  query HookedLiveStreams($domain: String) {\n    liveStreams(domain: $domain) { edges { node { id streamName status template { name } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EmbeddedPushKeys { domainGroups { edges { node { id pushDomain pushAuthKeys { primary backup } } } } }\n"): (typeof documents)["\n  query EmbeddedPushKeys { domainGroups { edges { node { id pushDomain pushAuthKeys { primary backup } } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NginxPushKeys { domainGroups { edges { node { id pushAuthKeys { primary backup } } } } }\n"): (typeof documents)["\n  query NginxPushKeys { domainGroups { edges { node { id pushAuthKeys { primary backup } } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation E2ERetentionTemplate($input: CreateSnapshotTemplateInput!) { createSnapshotTemplate(input: $input) { id retentionDays } }\n"): (typeof documents)["\n  mutation E2ERetentionTemplate($input: CreateSnapshotTemplateInput!) { createSnapshotTemplate(input: $input) { id retentionDays } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query E2ERetentionFrozen($domain: String) { liveStreams(domain: $domain) { edges { node { template { retentionDays } } } } }\n"): (typeof documents)["\n  query E2ERetentionFrozen($domain: String) { liveStreams(domain: $domain) { edges { node { template { retentionDays } } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RestartSnapshots($domain: String!) { snapshots(domain: $domain) { edges { node { key } } } }\n"): (typeof documents)["\n  query RestartSnapshots($domain: String!) { snapshots(domain: $domain) { edges { node { key } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateAccount($name: String!) { createAccount(name: $name) { id name } }"): (typeof documents)["mutation CreateAccount($name: String!) { createAccount(name: $name) { id name } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateToken($accountId: ID!, $role: Role!) {\n    createApiToken(accountId: $accountId, role: $role) { token apiToken { id role accountId } }\n  }\n"): (typeof documents)["\n  mutation CreateToken($accountId: ID!, $role: Role!) {\n    createApiToken(accountId: $accountId, role: $role) { token apiToken { id role accountId } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RevokeToken($id: ID!) { revokeApiToken(id: $id) }"): (typeof documents)["mutation RevokeToken($id: ID!) { revokeApiToken(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AuthTemplates { snapshotTemplates { edges { node { name } } } }"): (typeof documents)["query AuthTemplates { snapshotTemplates { edges { node { name } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Configs($domain: String, $first: Int, $after: String) {\n    snapshotConfigs(domain: $domain, first: $first, after: $after) {\n      edges { node { id domain appName streamName level template { name } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query Configs($domain: String, $first: Int, $after: String) {\n    snapshotConfigs(domain: $domain, first: $first, after: $after) {\n      edges { node { id domain appName streamName level template { name } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteConfig($id: ID!) { deleteSnapshotConfig(id: $id) }"): (typeof documents)["mutation DeleteConfig($id: ID!) { deleteSnapshotConfig(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteTemplateInUse($id: ID!) { deleteSnapshotTemplate(id: $id) }"): (typeof documents)["mutation DeleteTemplateInUse($id: ID!) { deleteSnapshotTemplate(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteDomainGroupInUse($id: ID!) { deleteDomainGroup(id: $id) }"): (typeof documents)["mutation DeleteDomainGroupInUse($id: ID!) { deleteDomainGroup(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCallback($input: CreateSnapshotCallbackInput!) {\n    createSnapshotCallback(input: $input) { id domain url format signingSecret createdAt }\n  }\n"): (typeof documents)["\n  mutation CreateCallback($input: CreateSnapshotCallbackInput!) {\n    createSnapshotCallback(input: $input) { id domain url format signingSecret createdAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateCallback($id: ID!, $input: UpdateSnapshotCallbackInput!) {\n    updateSnapshotCallback(id: $id, input: $input) { id domain url format signingSecret }\n  }\n"): (typeof documents)["\n  mutation UpdateCallback($id: ID!, $input: UpdateSnapshotCallbackInput!) {\n    updateSnapshotCallback(id: $id, input: $input) { id domain url format signingSecret }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteCallback($id: ID!) { deleteSnapshotCallback(id: $id) }"): (typeof documents)["mutation DeleteCallback($id: ID!) { deleteSnapshotCallback(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Callbacks($domain: String, $first: Int, $after: String) {\n    snapshotCallbacks(domain: $domain, first: $first, after: $after) {\n      edges { cursor node { id domain url format signingSecret } }\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query Callbacks($domain: String, $first: Int, $after: String) {\n    snapshotCallbacks(domain: $domain, first: $first, after: $after) {\n      edges { cursor node { id domain url format signingSecret } }\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Deliveries($callbackId: ID!, $status: CallbackDeliveryStatus, $first: Int, $after: String) {\n    snapshotCallbackDeliveries(callbackId: $callbackId, status: $status, first: $first, after: $after) {\n      edges { node { id webhookId snapshotId status attempts lastStatusCode lastError nextAttemptAt createdAt deliveredAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query Deliveries($callbackId: ID!, $status: CallbackDeliveryStatus, $first: Int, $after: String) {\n    snapshotCallbackDeliveries(callbackId: $callbackId, status: $status, first: $first, after: $after) {\n      edges { node { id webhookId snapshotId status attempts lastStatusCode lastError nextAttemptAt createdAt deliveredAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Redeliver($deliveryId: ID!) { redeliverSnapshotCallback(deliveryId: $deliveryId) { id webhookId status attempts nextAttemptAt } }\n"): (typeof documents)["\n  mutation Redeliver($deliveryId: ID!) { redeliverSnapshotCallback(deliveryId: $deliveryId) { id webhookId status attempts nextAttemptAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DomainGroups($first: Int, $after: String) {\n    domainGroups(first: $first, after: $after) {\n      edges { node { id pushDomain playDomain sourceId } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query DomainGroups($first: Int, $after: String) {\n    domainGroups(first: $first, after: $after) {\n      edges { node { id pushDomain playDomain sourceId } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Everything($domain: String!) {\n    domainGroups { edges { node { id } } }\n    snapshotTemplates { edges { node { id } } }\n    snapshotConfigs { edges { node { id } } }\n    liveStreams { edges { node { id } } }\n    snapshots(domain: $domain) { edges { node { id } } }\n  }\n"): (typeof documents)["\n  query Everything($domain: String!) {\n    domainGroups { edges { node { id } } }\n    snapshotTemplates { edges { node { id } } }\n    snapshotConfigs { edges { node { id } } }\n    liveStreams { edges { node { id } } }\n    snapshots(domain: $domain) { edges { node { id } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query IsoTemplate($id: ID!) { snapshotTemplate(id: $id) { id name } }"): (typeof documents)["query IsoTemplate($id: ID!) { snapshotTemplate(id: $id) { id name } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query IsoConfigs($domain: String) { snapshotConfigs(domain: $domain) { edges { node { id } } } }"): (typeof documents)["query IsoConfigs($domain: String) { snapshotConfigs(domain: $domain) { edges { node { id } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query IsoLive($domain: String) { liveStreams(domain: $domain) { edges { node { id } } } }"): (typeof documents)["query IsoLive($domain: String) { liveStreams(domain: $domain) { edges { node { id } } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation IsoUpdate($id: ID!, $input: UpdateSnapshotTemplateInput!) { updateSnapshotTemplate(id: $id, input: $input) { id } }\n"): (typeof documents)["\n  mutation IsoUpdate($id: ID!, $input: UpdateSnapshotTemplateInput!) { updateSnapshotTemplate(id: $id, input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation IsoDeleteTemplate($id: ID!) { deleteSnapshotTemplate(id: $id) }"): (typeof documents)["mutation IsoDeleteTemplate($id: ID!) { deleteSnapshotTemplate(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation IsoDeleteConfig($id: ID!) { deleteSnapshotConfig(id: $id) }"): (typeof documents)["mutation IsoDeleteConfig($id: ID!) { deleteSnapshotConfig(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation IsoDeleteGroup($id: ID!) { deleteDomainGroup(id: $id) }"): (typeof documents)["mutation IsoDeleteGroup($id: ID!) { deleteDomainGroup(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation IsoRevoke($id: ID!) { revokeApiToken(id: $id) }"): (typeof documents)["mutation IsoRevoke($id: ID!) { revokeApiToken(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation IsoToken($accountId: ID!) { createApiToken(accountId: $accountId, role: ADMIN) { token } }"): (typeof documents)["mutation IsoToken($accountId: ID!) { createApiToken(accountId: $accountId, role: ADMIN) { token } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GroupKeys { domainGroups(first: 50) { edges { node { id pushDomain pushAuth pushAuthKeys { primary backup } } } } }\n"): (typeof documents)["\n  query GroupKeys { domainGroups(first: 50) { edges { node { id pushDomain pushAuth pushAuthKeys { primary backup } } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateRetainingTemplate($input: CreateSnapshotTemplateInput!) {\n    createSnapshotTemplate(input: $input) { id retentionDays }\n  }\n"): (typeof documents)["\n  mutation CreateRetainingTemplate($input: CreateSnapshotTemplateInput!) {\n    createSnapshotTemplate(input: $input) { id retentionDays }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateRetention($id: ID!, $input: UpdateSnapshotTemplateInput!) {\n    updateSnapshotTemplate(id: $id, input: $input) { id retentionDays }\n  }\n"): (typeof documents)["\n  mutation UpdateRetention($id: ID!, $input: UpdateSnapshotTemplateInput!) {\n    updateSnapshotTemplate(id: $id, input: $input) { id retentionDays }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SnapshotById($id: ID!) { snapshot(id: $id) { id key bucket bytes url urlExpiresAt } }\n"): (typeof documents)["\n  query SnapshotById($id: ID!) { snapshot(id: $id) { id key bucket bytes url urlExpiresAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteSnapshots($ids: [ID!]!) { deleteSnapshots(ids: $ids) }"): (typeof documents)["mutation DeleteSnapshots($ids: [ID!]!) { deleteSnapshots(ids: $ids) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteSnapshotsOf($domain: String!, $app: String!, $stream: String!, $before: DateTime!) {\n    deleteSnapshotsOf(domain: $domain, app: $app, stream: $stream, before: $before)\n  }\n"): (typeof documents)["\n  mutation DeleteSnapshotsOf($domain: String!, $app: String!, $stream: String!, $before: DateTime!) {\n    deleteSnapshotsOf(domain: $domain, app: $app, stream: $stream, before: $before)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Stats($domain: String!, $app: String, $stream: String, $from: DateTime!, $to: DateTime!, $bucket: StatsBucket!) {\n    snapshotStats(domain: $domain, app: $app, stream: $stream, from: $from, to: $to, bucket: $bucket) { start count bytes }\n  }\n"): (typeof documents)["\n  query Stats($domain: String!, $app: String, $stream: String, $from: DateTime!, $to: DateTime!, $bucket: StatsBucket!) {\n    snapshotStats(domain: $domain, app: $app, stream: $stream, from: $from, to: $to, bucket: $bucket) { start count bytes }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Templates($first: Int, $after: String) {\n    snapshotTemplates(first: $first, after: $after) {\n      edges { cursor node { id name } }\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query Templates($first: Int, $after: String) {\n    snapshotTemplates(first: $first, after: $after) {\n      edges { cursor node { id name } }\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetTemplate($id: ID!) { snapshotTemplate(id: $id) { id name intervalSeconds width height fillMode bucket } }\n"): (typeof documents)["\n  query GetTemplate($id: ID!) { snapshotTemplate(id: $id) { id name intervalSeconds width height fillMode bucket } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) {\n    updateSnapshotTemplate(id: $id, input: $input) { id name intervalSeconds width height updatedAt createdAt }\n  }\n"): (typeof documents)["\n  mutation UpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) {\n    updateSnapshotTemplate(id: $id, input: $input) { id name intervalSeconds width height updatedAt createdAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteTemplate($id: ID!) { deleteSnapshotTemplate(id: $id) }"): (typeof documents)["mutation DeleteTemplate($id: ID!) { deleteSnapshotTemplate(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevocationCreateToken($accountId: ID!, $role: Role!) { createApiToken(accountId: $accountId, role: $role) { token apiToken { id } } }\n"): (typeof documents)["\n  mutation RevocationCreateToken($accountId: ID!, $role: Role!) { createApiToken(accountId: $accountId, role: $role) { token apiToken { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RevocationRevoke($id: ID!) { revokeApiToken(id: $id) }"): (typeof documents)["mutation RevocationRevoke($id: ID!) { revokeApiToken(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RevocationTemplates { snapshotTemplates { edges { cursor } } }"): (typeof documents)["query RevocationTemplates { snapshotTemplates { edges { cursor } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer { role operator account { id name } }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer { role operator account { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WsCreateToken($accountId: ID!, $role: Role!) { createApiToken(accountId: $accountId, role: $role) { token apiToken { id } } }\n"): (typeof documents)["\n  mutation WsCreateToken($accountId: ID!, $role: Role!) { createApiToken(accountId: $accountId, role: $role) { token apiToken { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation WsRevoke($id: ID!) { revokeApiToken(id: $id) }"): (typeof documents)["mutation WsRevoke($id: ID!) { revokeApiToken(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query WsTemplates { snapshotTemplates { edges { cursor } } }"): (typeof documents)["query WsTemplates { snapshotTemplates { edges { cursor } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateDomainGroup($input: CreateDomainGroupInput!) {\n    createDomainGroup(input: $input) { id pushDomain playDomain sourceId createdAt }\n  }\n"): (typeof documents)["\n  mutation CreateDomainGroup($input: CreateDomainGroupInput!) {\n    createDomainGroup(input: $input) { id pushDomain playDomain sourceId createdAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTemplate($input: CreateSnapshotTemplateInput!) {\n    createSnapshotTemplate(input: $input) {\n      id name format intervalSeconds width height fillMode storageMode bucket createdAt updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTemplate($input: CreateSnapshotTemplateInput!) {\n    createSnapshotTemplate(input: $input) {\n      id name format intervalSeconds width height fillMode storageMode bucket createdAt updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateConfig($input: CreateSnapshotConfigInput!) {\n    createSnapshotConfig(input: $input) { id domain appName streamName level template { id name } }\n  }\n"): (typeof documents)["\n  mutation CreateConfig($input: CreateSnapshotConfigInput!) {\n    createSnapshotConfig(input: $input) { id domain appName streamName level template { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Effective($domain: String!, $app: String!, $stream: String!) {\n    effectiveTemplate(domain: $domain, app: $app, stream: $stream) {\n      level\n      template { id name }\n      config { id level appName streamName }\n    }\n  }\n"): (typeof documents)["\n  query Effective($domain: String!, $app: String!, $stream: String!) {\n    effectiveTemplate(domain: $domain, app: $app, stream: $stream) {\n      level\n      template { id name }\n      config { id level appName streamName }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PushUrl($domain: String!, $app: String!, $stream: String!, $expiresInSeconds: Int) {\n    pushUrl(domain: $domain, app: $app, stream: $stream, expiresInSeconds: $expiresInSeconds) { url server streamKey expiresAt }\n  }\n"): (typeof documents)["\n  query PushUrl($domain: String!, $app: String!, $stream: String!, $expiresInSeconds: Int) {\n    pushUrl(domain: $domain, app: $app, stream: $stream, expiresInSeconds: $expiresInSeconds) { url server streamKey expiresAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateDomainGroup($id: ID!, $input: UpdateDomainGroupInput!) {\n    updateDomainGroup(id: $id, input: $input) { id pushDomain playDomain pushAuth pushAuthKeys { primary backup } }\n  }\n"): (typeof documents)["\n  mutation UpdateDomainGroup($id: ID!, $input: UpdateDomainGroupInput!) {\n    updateDomainGroup(id: $id, input: $input) { id pushDomain playDomain pushAuth pushAuthKeys { primary backup } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotatePushAuthKey($id: ID!) {\n    rotatePushAuthKey(id: $id) { id pushAuth pushAuthKeys { primary backup } }\n  }\n"): (typeof documents)["\n  mutation RotatePushAuthKey($id: ID!) {\n    rotatePushAuthKey(id: $id) { id pushAuth pushAuthKeys { primary backup } }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;