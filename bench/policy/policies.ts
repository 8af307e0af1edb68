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
