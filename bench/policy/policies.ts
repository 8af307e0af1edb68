// Fifteen more ClusterPolicies in the style platform teams write, so that the benchmark runs
// against 20 policies: the 5 demo policies plus these. Written for this benchmark.
const podPolicy = (name: string, rule: string, validate: string) => `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ${name}
spec:
  rules:
    - name: ${rule}
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        failureAction: Enforce
${validate
  .trim()
  .split('\n')
  .map(line => `        ${line}`)
  .join('\n')}
`;

export const benchPolicies: string[] = [
  podPolicy(
    'disallow-privileged',
    'no-privileged',
    `
message: Privileged containers are not allowed.
pattern:
  spec:
    containers:
      - =(securityContext):
          =(privileged): "false"`,
  ),
  podPolicy(
    'disallow-host-namespaces',
    'host-namespaces',
    `
message: Sharing the host namespaces is not allowed.
pattern:
  spec:
    =(hostPID): "false"
    =(hostIPC): "false"
    =(hostNetwork): "false"`,
  ),
  podPolicy(
    'disallow-host-path',
    'host-path',
    `
message: HostPath volumes are forbidden.
pattern:
  spec:
    =(volumes):
      - X(hostPath): "null"`,
  ),
  podPolicy(
    'disallow-capabilities',
    'adding-capabilities',
    `
message: Adding capabilities beyond the default set is not allowed.
deny:
  conditions:
    all:
      - key: "{{ request.object.spec.containers[].securityContext.capabilities.add[] || \`[]\` }}"
        operator: AnyNotIn
        value: [AUDIT_WRITE, CHOWN, KILL, NET_BIND_SERVICE, SETGID, SETUID]`,
  ),
  podPolicy(
    'require-probes',
    'readiness-probe',
    `
message: Containers need a readiness probe.
pattern:
  spec:
    containers:
      - (name): "!istio-proxy"
        readinessProbe:
          periodSeconds: ">0"`,
  ),
  podPolicy(
    'require-app-label',
    'app-name',
    `
message: The label app.kubernetes.io/name is required.
pattern:
  metadata:
    labels:
      app.kubernetes.io/name: "?*"`,
  ),
  podPolicy(
    'restrict-registries',
    'trusted-registries',
    `
message: Images must come from the trusted registries.
foreach:
  - list: request.object.spec.containers
    pattern:
      image: "registry.neuroscale.internal/* | ghcr.io/neuroscale/* | nginx:*"`,
  ),
  podPolicy(
    'require-ro-rootfs',
    'read-only-root',
    `
message: Root filesystems must be read-only.
pattern:
  spec:
    containers:
      - =(securityContext):
          =(readOnlyRootFilesystem): true`,
  ),
  podPolicy(
    'restrict-seccomp',
    'seccomp',
    `
message: Seccomp profiles must be RuntimeDefault or Localhost.
pattern:
  spec:
    =(securityContext):
      =(seccompProfile):
        =(type): "RuntimeDefault | Localhost"`,
  ),
  podPolicy(
    'disallow-default-namespace',
    'not-default',
    `
message: Use a namespace other than default.
pattern:
  metadata:
    namespace: "!default"`,
  ),
  podPolicy(
    'restrict-node-port',
    'no-host-port',
    `
message: Host ports are not allowed.
pattern:
  spec:
    containers:
      - =(ports):
          - =(hostPort): 0`,
  ),
  podPolicy(
    'limit-memory',
    'memory-ceiling',
    `
message: A container may not ask for more than 64Gi.
pattern:
  spec:
    containers:
      - =(resources):
          =(limits):
            =(memory): "<=64Gi"`,
  ),
  podPolicy(
    'require-image-pull-policy',
    'pull-policy',
    `
message: Pinned images should use IfNotPresent.
pattern:
  spec:
    containers:
      - (image): "!*:latest"
        =(imagePullPolicy): "IfNotPresent | Always"`,
  ),
  podPolicy(
    'restrict-sysctls',
    'safe-sysctls',
    `
message: Only safe sysctls are allowed.
pattern:
  spec:
    =(securityContext):
      =(sysctls):
        - =(name): "kernel.shm_rmid_forced | net.ipv4.ip_local_port_range | net.ipv4.tcp_syncookies"`,
  ),
  podPolicy(
    'require-gpu-toleration',
    'gpu-toleration',
    `
message: Pods that request GPUs must tolerate the GPU taint.
preconditions:
  any:
    - key: "{{ request.object.spec.containers[].resources.limits.\\"nvidia.com/gpu\\" || \`[]\` | length(@) }}"
      operator: GreaterThan
      value: 0
deny:
  conditions:
    all:
      - key: "nvidia.com/gpu"
        operator: AnyNotIn
        value: "{{ request.object.spec.tolerations[].key || \`[]\` }}"`,
  ),
];

// The same intents as CEL ValidatingPolicies (Kyverno's policies.kyverno.io/v1), so the
// benchmark can set the cost of a CEL rule beside a pattern rule. Written for this benchmark.
const celPodPolicy = (name: string, expression: string, message: string) => `
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata:
  name: ${name}-cel
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
      - apiGroups: ['']
        apiVersions: [v1]
        operations: [CREATE, UPDATE]
        resources: [pods]
  validations:
    - message: ${JSON.stringify(message)}
      expression: >-
        ${expression}
`;

export const celBenchPolicies: string[] = [
  celPodPolicy(
    'disallow-privileged',
    `object.spec.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || c.securityContext.privileged == false)`,
    'Privileged containers are not allowed.',
  ),
  celPodPolicy(
    'disallow-host-namespaces',
    `!(has(object.spec.hostPID) && object.spec.hostPID) && !(has(object.spec.hostIPC) && object.spec.hostIPC) && !(has(object.spec.hostNetwork) && object.spec.hostNetwork)`,
    'Sharing the host namespaces is not allowed.',
  ),
  celPodPolicy(
    'disallow-host-path',
    `!has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.hostPath))`,
    'HostPath volumes are forbidden.',
  ),
  celPodPolicy(
    'require-probes',
    `object.spec.containers.all(c, has(c.readinessProbe))`,
    'Containers need a readiness probe.',
  ),
  celPodPolicy(
    'require-app-label',
    `has(object.metadata.labels) && 'app.kubernetes.io/name' in object.metadata.labels`,
    'The label app.kubernetes.io/name is required.',
  ),
  celPodPolicy(
    'restrict-registries',
    `object.spec.containers.all(c, c.image.startsWith('registry.neuroscale.internal/') || c.image.startsWith('ghcr.io/neuroscale/'))`,
    'Images must come from the trusted registries.',
  ),
  celPodPolicy(
    'require-ro-rootfs',
    `object.spec.containers.all(c, has(c.securityContext) && has(c.securityContext.readOnlyRootFilesystem) && c.securityContext.readOnlyRootFilesystem == true)`,
    'Root filesystems must be read-only.',
  ),
];
