import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { DriftService } from './drift/DriftService';
import { ChatService } from './agent/ChatService';
import { SessionsService } from './agent/SessionsService';
import { createAgentRouter } from './agent/router';
import { ApprovalsService } from './governance/ApprovalsService';
import { createApprovalsRouter } from './governance/router';
import { createDriftRouter } from './drift/router';
import { PolicyService } from './policy/PolicyService';
import { createPolicyRouter } from './policy/router';
import { MemoryService } from './memory/MemoryService';
import { createMemoryRouter } from './memory/router';
import { SkillsService } from './skills/SkillsService';
import { SkillEffectSource } from './skills/effects';
import { createSkillsRouter } from './skills/router';
import { StatusService } from './status/StatusService';
import { createStatusRouter } from './status/router';
import { TasksService } from './tasks/TasksService';
import { LearningService } from './learning/LearningService';
import { createLearningRouter } from './learning/router';
import { createTasksRouter } from './tasks/router';

/** Mounts the capability routers. Everything but `/health` requires Backstage credentials. */
export function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  status: StatusService;
  policy: PolicyService;
  drift: DriftService;
  chat: ChatService;
  sessions: SessionsService;
  approvals: ApprovalsService;
  skills: SkillsService;
  memory: MemoryService;
  tasks: TasksService;
  learning: LearningService;
  /** Each skill's triage effect, shown with its usage. */
  skillEffects?: SkillEffectSource;
  /** Which skills apply to an entity needs the entity. */
  catalog?: Pick<CatalogService, 'getEntityByRef'>;
}): express.Router {
  const router = Router();
  // Large enough for an imported skill folder or a batch of Kubernetes audit events.
  router.use(express.json({ limit: '10mb' }));
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.use(createStatusRouter(options));
  router.use(createPolicyRouter(options));
  router.use(createDriftRouter(options));
  router.use(createAgentRouter(options));
  router.use(createApprovalsRouter(options));
  router.use(createSkillsRouter(options));
  router.use(createMemoryRouter(options));
  router.use(createTasksRouter(options));
  router.use(createLearningRouter(options));
  return router;
}
