import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AgentSession,
  AgentSessionSummary,
  CandidateStatus,
  DeliveryChannelInfo,
  DeliveryRecord,
  DriftAuditRecord,
  DriftFindingPage,
  DriftFindingRecord,
  FeedbackRating,
  HeldToolCall,
  HermesStatus,
  LearningCandidate,
  LearningRun,
  Reflection,
  Resolution,
  ResolutionEvent,
  SkillDetails,
  SkillFile,
  SkillVersion,
  TaskInput,
  TaskRecord,
  TaskRunRecord,
  TaskSchedule,
} from '@hermes-backstage/plugin-hermes-common';
import type { ChatTransport } from 'ai';
import { createHermesChatTransport } from './chatTransport';
import {
  AuditList,
  AuditQuery,
  EntitySkills,
  FindingQuery,
  HermesApi,
  HermesUIMessage,
  ResolutionDetails,
  LearningMetrics,
  ModelChecks,
  SkillListEntry,
} from './HermesApi';

/**
 * Talks to the Hermes backend through Backstage's discovery and fetch APIs, so the user's
 * credentials are attached the same way as for every other plugin.
 *
 * @public
 */
export class HermesClient implements HermesApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  getStatus(): Promise<HermesStatus> {
    return this.request('/status');
  }

  checkModels(): Promise<ModelChecks> {
    return this.request('/status/models/check', { method: 'POST' });
  }

  listAudits(options: AuditQuery = {}): Promise<AuditList> {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.offset !== undefined)
      query.set('offset', String(options.offset));
    const text = query.toString();
    return this.request(`/drift/audits${text ? `?${text}` : ''}`);
  }

  getAudit(id: string): Promise<DriftAuditRecord> {
    return this.request(`/drift/audits/${encodeURIComponent(id)}`);
  }

  runAudit(name: string): Promise<DriftAuditRecord> {
    return this.request(`/drift/audits/${encodeURIComponent(name)}/run`, {
      method: 'POST',
    });
  }

  async listFindings(
    options: FindingQuery = {},
  ): Promise<DriftFindingRecord[]> {
    return (await this.pageFindings(options)).findings;
  }

  pageFindings(options: FindingQuery = {}): Promise<DriftFindingPage> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined && value !== '') query.set(key, String(value));
    }
    const text = query.toString();
    return this.request(`/drift/findings${text ? `?${text}` : ''}`);
  }

  async resolveFinding(
    id: string,
    resolution: Resolution,
    details: ResolutionDetails = {},
  ): Promise<void> {
    await this.send('POST', `${findingPath(id)}/resolution`, {
      resolution,
      ...details,
    });
  }

  async undoResolution(id: string): Promise<ResolutionEvent> {
    const { undone } = await this.request<{ undone: ResolutionEvent }>(
      `${findingPath(id)}/resolution`,
      { method: 'DELETE' },
    );
    return undone;
  }

  async listSessions(
    options: { q?: string; entityRef?: string } = {},
  ): Promise<AgentSessionSummary[]> {
    const query = new URLSearchParams();
    if (options.q) query.set('q', options.q);
    if (options.entityRef) query.set('entityRef', options.entityRef);
    const search = query.toString();
    return (
      await this.request<{ sessions: AgentSessionSummary[] }>(
        search ? `/sessions?${search}` : '/sessions',
      )
    ).sessions;
  }

  getSession(id: string): Promise<AgentSession<HermesUIMessage>> {
    return this.request(`/sessions/${encodeURIComponent(id)}`);
  }

  async deleteSession(id: string): Promise<void> {
    await this.request(`/sessions/${encodeURIComponent(id)}`, {
      method: 'DELETE',
    });
  }

  async sendFeedback(
    traceId: string,
    rating: FeedbackRating,
    comment?: string,
  ): Promise<void> {
    await this.request(`/traces/${encodeURIComponent(traceId)}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rating, comment }),
    });
  }

  createChatTransport(
    options: { entityRef?: string } = {},
  ): ChatTransport<HermesUIMessage> {
    return createHermesChatTransport({ ...this.deps, ...options });
  }

  async listApprovals(
    options: { sessionId?: string } = {},
  ): Promise<HeldToolCall[]> {
    const query = options.sessionId
      ? `?sessionId=${encodeURIComponent(options.sessionId)}`
      : '';
    return (
      await this.request<{ approvals: HeldToolCall[] }>(`/approvals${query}`)
    ).approvals;
  }

  decideApproval(id: string, approved: boolean): Promise<HeldToolCall> {
    return this.send('POST', `/approvals/${encodeURIComponent(id)}`, {
      approved,
    });
  }

  async listSkills(options: { q?: string } = {}): Promise<SkillListEntry[]> {
    const query = options.q ? `?q=${encodeURIComponent(options.q)}` : '';
    return (await this.request<{ skills: SkillListEntry[] }>(`/skills${query}`))
      .skills;
  }

  getSkill(name: string): Promise<SkillDetails> {
    return this.request(skillPath(name));
  }

  getSkillVersion(name: string, version: number): Promise<SkillVersion> {
    return this.request(`${skillPath(name)}/versions/${version}`);
  }

  async diffSkillVersions(
    name: string,
    from: number,
    to: number,
  ): Promise<string> {
    return (
      await this.request<{ diff: string }>(
        `${skillPath(name)}/diff?from=${from}&to=${to}`,
      )
    ).diff;
  }

  saveSkill(
    name: string,
    document: string,
    message?: string,
  ): Promise<SkillVersion> {
    return this.send('PUT', skillPath(name), { document, message });
  }

  rollbackSkill(name: string, version: number): Promise<SkillVersion> {
    return this.send('POST', `${skillPath(name)}/rollback`, { version });
  }

  approveSkillVersion(name: string, version: number): Promise<SkillVersion> {
    return this.request(`${skillPath(name)}/versions/${version}/approve`, {
      method: 'POST',
    });
  }

  rejectSkillVersion(
    name: string,
    version: number,
    reason?: string,
  ): Promise<SkillVersion> {
    return this.send('POST', `${skillPath(name)}/versions/${version}/reject`, {
      reason,
    });
  }

  async deleteSkill(name: string): Promise<void> {
    await this.request(skillPath(name), { method: 'DELETE' });
  }

  async exportSkill(name: string): Promise<SkillFile[]> {
    return (
      await this.request<{ files: SkillFile[] }>(`${skillPath(name)}/export`)
    ).files;
  }

  importSkill(files: SkillFile[]): Promise<SkillVersion> {
    return this.send('POST', '/skills/import', { files });
  }

  skillsForEntity(entityRef: string): Promise<EntitySkills> {
    return this.request(
      `/entity-skills?entityRef=${encodeURIComponent(entityRef)}`,
    );
  }

  async listTasks(options: { entityRef?: string } = {}): Promise<TaskRecord[]> {
    const query = options.entityRef
      ? `?entityRef=${encodeURIComponent(options.entityRef)}`
      : '';
    return (await this.request<{ items: TaskRecord[] }>(`/tasks${query}`))
      .items;
  }

  createTask(input: TaskInput): Promise<TaskRecord> {
    return this.send('POST', '/tasks', input);
  }

  getTask(id: string): Promise<TaskRecord> {
    return this.request(taskPath(id));
  }

  updateTask(id: string, patch: Partial<TaskInput>): Promise<TaskRecord> {
    return this.send('PATCH', taskPath(id), patch);
  }

  async deleteTask(id: string): Promise<void> {
    await this.request(taskPath(id), { method: 'DELETE' });
  }

  runTask(id: string): Promise<TaskRunRecord> {
    return this.request(`${taskPath(id)}/run`, { method: 'POST' });
  }

  async listTaskRuns(
    id: string,
    options: { limit?: number } = {},
  ): Promise<TaskRunRecord[]> {
    const query = options.limit !== undefined ? `?limit=${options.limit}` : '';
    return (
      await this.request<{ items: TaskRunRecord[] }>(
        `${taskPath(id)}/runs${query}`,
      )
    ).items;
  }

  previewSchedule(text: string, timezone?: string): Promise<TaskSchedule> {
    const query = new URLSearchParams({ text });
    if (timezone) query.set('timezone', timezone);
    return this.request(`/tasks/schedule-preview?${query}`);
  }

  retryDelivery(id: string): Promise<DeliveryRecord> {
    return this.request(`/deliveries/${encodeURIComponent(id)}/retry`, {
      method: 'POST',
    });
  }

  async listDeliveryChannels(): Promise<DeliveryChannelInfo[]> {
    return (
      await this.request<{ items: DeliveryChannelInfo[] }>('/delivery/channels')
    ).items;
  }

  runLearning(): Promise<LearningRun> {
    return this.request('/learning/run', { method: 'POST' });
  }

  async listReflections(
    options: { limit?: number } = {},
  ): Promise<Reflection[]> {
    const query =
      options.limit !== undefined
        ? `?limit=${encodeURIComponent(options.limit)}`
        : '';
    return (
      await this.request<{ items: Reflection[] }>(
        `/learning/reflections${query}`,
      )
    ).items;
  }

  async listCandidates(
    options: { status?: CandidateStatus } = {},
  ): Promise<LearningCandidate[]> {
    const query = options.status
      ? `?status=${encodeURIComponent(options.status)}`
      : '';
    return (
      await this.request<{ items: LearningCandidate[] }>(
        `/learning/candidates${query}`,
      )
    ).items;
  }

  approveCandidate(id: string): Promise<LearningCandidate> {
    return this.request(`${candidatePath(id)}/approve`, { method: 'POST' });
  }

  rejectCandidate(id: string, reason?: string): Promise<LearningCandidate> {
    return this.send('POST', `${candidatePath(id)}/reject`, { reason });
  }

  learningMetrics(): Promise<LearningMetrics> {
    return this.request('/learning/metrics');
  }

  private send<T>(method: string, path: string, body: unknown): Promise<T> {
    return this.request(path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('hermes');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
}

function findingPath(id: string): string {
  return `/drift/findings/${encodeURIComponent(id)}`;
}

function taskPath(id: string): string {
  return `/tasks/${encodeURIComponent(id)}`;
}

function candidatePath(id: string): string {
  return `/learning/candidates/${encodeURIComponent(id)}`;
}

function skillPath(name: string): string {
  return `/skills/${encodeURIComponent(name)}`;
}
