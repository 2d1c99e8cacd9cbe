// k8s.io/api coordination/v1 (Lease), discovery/v1 (EndpointSlice), autoscaling/v1 (Scale),
// policy/v1 (Eviction, PodDisruptionBudget), rbac/v1 and authentication/v1 (TokenRequest).
// Options (keep)/(inline): see meta.ts.
import { CORE, INT_OR_STRING, META } from './meta.js';

export const COORDINATION_V1_PROTO = `
syntax = "proto2";
package k8s.io.api.coordination.v1;

message Lease {
  optional ${META}.ObjectMeta metadata = 1;
  optional LeaseSpec spec = 2;
}

message LeaseSpec {
  optional string holderIdentity = 1 [(keep) = true];
  optional int32 leaseDurationSeconds = 2 [(keep) = true];
  optional ${META}.MicroTime acquireTime = 3;
  optional ${META}.MicroTime renewTime = 4;
  optional int32 leaseTransitions = 5 [(keep) = true];
  optional string strategy = 6 [(keep) = true];
  optional string preferredHolder = 7 [(keep) = true];
}
`;

export const DISCOVERY_V1_PROTO = `
syntax = "proto2";
package k8s.io.api.discovery.v1;

message Endpoint {
  repeated string addresses = 1;
  optional EndpointConditions conditions = 2;
  optional string hostname = 3 [(keep) = true];
  optional ${CORE}.ObjectReference targetRef = 4;
  map<string, string> deprecatedTopology = 5;
  optional string nodeName = 6 [(keep) = true];
  optional string zone = 7 [(keep) = true];
  optional EndpointHints hints = 8;
}

message EndpointConditions {
  optional bool ready = 1 [(keep) = true];
  optional bool serving = 2 [(keep) = true];
  optional bool terminating = 3 [(keep) = true];
}

message EndpointHints {
  repeated ForZone forZones = 1;
  repeated ForNode forNodes = 2;
}

message EndpointPort {
  optional string name = 1 [(keep) = true];
  optional string protocol = 2 [(keep) = true];
  optional int32 port = 3 [(keep) = true];
  optional string appProtocol = 4 [(keep) = true];
}

message EndpointSlice {
  optional ${META}.ObjectMeta metadata = 1;
  optional string addressType = 4 [(keep) = true];
  repeated Endpoint endpoints = 2;
  repeated EndpointPort ports = 3;
}

message ForNode {
  optional string name = 1 [(keep) = true];
}

message ForZone {
  optional string name = 1 [(keep) = true];
}
`;

export const AUTOSCALING_V1_PROTO = `
syntax = "proto2";
package k8s.io.api.autoscaling.v1;

message Scale {
  optional ${META}.ObjectMeta metadata = 1;
  optional ScaleSpec spec = 2;
  optional ScaleStatus status = 3;
}

message ScaleSpec {
  optional int32 replicas = 1;
}

message ScaleStatus {
  optional int32 replicas = 1 [(keep) = true];
  optional string selector = 2;
}
`;

export const POLICY_V1_PROTO = `
syntax = "proto2";
package k8s.io.api.policy.v1;

message Eviction {
  optional ${META}.ObjectMeta metadata = 1;
  optional ${META}.DeleteOptions deleteOptions = 2;
}

message PodDisruptionBudget {
  optional ${META}.ObjectMeta metadata = 1;
  optional PodDisruptionBudgetSpec spec = 2;
  optional PodDisruptionBudgetStatus status = 3;
}

message PodDisruptionBudgetSpec {
  optional ${INT_OR_STRING} minAvailable = 1;
  optional ${META}.LabelSelector selector = 2;
  optional ${INT_OR_STRING} maxUnavailable = 3;
  optional string unhealthyPodEvictionPolicy = 4 [(keep) = true];
}

message PodDisruptionBudgetStatus {
  optional int64 observedGeneration = 1;
  map<string, ${META}.Time> disruptedPods = 2;
  optional int32 disruptionsAllowed = 3 [(keep) = true];
  optional int32 currentHealthy = 4 [(keep) = true];
  optional int32 desiredHealthy = 5 [(keep) = true];
  optional int32 expectedPods = 6 [(keep) = true];
  repeated ${META}.Condition conditions = 7;
}
`;

export const RBAC_V1_PROTO = `
syntax = "proto2";
package k8s.io.api.rbac.v1;

message AggregationRule {
  repeated ${META}.LabelSelector clusterRoleSelectors = 1;
}

message ClusterRole {
  optional ${META}.ObjectMeta metadata = 1;
  repeated PolicyRule rules = 2;
  optional AggregationRule aggregationRule = 3;
}

message ClusterRoleBinding {
  optional ${META}.ObjectMeta metadata = 1;
  repeated Subject subjects = 2;
  optional RoleRef roleRef = 3;
}

message PolicyRule {
  repeated string verbs = 1;
  repeated string apiGroups = 2;
  repeated string resources = 3;
  repeated string resourceNames = 4;
  repeated string nonResourceURLs = 5;
}

message Role {
  optional ${META}.ObjectMeta metadata = 1;
  repeated PolicyRule rules = 2;
}

message RoleBinding {
  optional ${META}.ObjectMeta metadata = 1;
  repeated Subject subjects = 2;
  optional RoleRef roleRef = 3;
}

message RoleRef {
  optional string apiGroup = 1 [(keep) = true];
  optional string kind = 2 [(keep) = true];
  optional string name = 3 [(keep) = true];
}

message Subject {
  optional string kind = 1 [(keep) = true];
  optional string apiGroup = 2;
  optional string name = 3 [(keep) = true];
  optional string namespace = 4;
}
`;

export const AUTHENTICATION_V1_PROTO = `
syntax = "proto2";
package k8s.io.api.authentication.v1;

message BoundObjectReference {
  optional string kind = 1;
  optional string apiVersion = 2;
  optional string name = 3;
  optional string uid = 4;
}

message TokenRequest {
  optional ${META}.ObjectMeta metadata = 1;
  optional TokenRequestSpec spec = 2;
  optional TokenRequestStatus status = 3;
}

message TokenRequestSpec {
  repeated string audiences = 1;
  optional int64 expirationSeconds = 4 [(keep) = true];
  optional BoundObjectReference boundObjectRef = 3;
}

message TokenRequestStatus {
  optional string token = 1 [(keep) = true];
  optional ${META}.Time expirationTimestamp = 2;
}
`;
