import { Link, Navigate, Route, Routes } from 'react-router-dom';
import { EmptyState } from '@/components/ui/feedback';
import { LoginRoute } from '@/features/auth/routes/login';
import { SignupRoute } from '@/features/auth/routes/signup';
import { ProjectsListRoute } from '@/features/projects/routes/projects-list';
import { ProjectLayout } from '@/features/projects/routes/project-layout';
import { ProjectSettingsRoute } from '@/features/projects/routes/project-settings';
import { LogSourcesRoute } from '@/features/log-sources/routes/log-sources';
import { BindingsRoute } from '@/features/support-desk/routes/bindings';
import { ConfigureBindingRoute } from '@/features/support-desk/routes/configure';
import { ConversationsRoute } from '@/features/support-desk/routes/conversations';
import { ConversationRoute } from '@/features/support-desk/routes/conversation';
import { AnalysesListRoute } from '@/features/analyses/routes/analyses-list';
import { NewAnalysisRoute } from '@/features/analyses/routes/analysis-new';
import { AnalysisDetailRoute } from '@/features/analyses/routes/analysis-detail';
import { ApiKeysRoute } from '@/features/api-keys/routes/api-keys';
import { TeamRoute } from '@/features/team/routes/team';
import { TriageLearningRoute } from '@/features/triage-feedback/routes/triage-learning';
import { AuthGate } from './auth-gate';

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginRoute />} />
      <Route path="/signup" element={<SignupRoute />} />
      <Route element={<AuthGate />}>
        <Route index element={<Navigate to="/projects" replace />} />
        <Route path="/projects" element={<ProjectsListRoute />} />
        <Route path="/projects/:slug" element={<ProjectLayout />}>
          <Route index element={<ProjectSettingsRoute />} />
          <Route path="log-sources" element={<LogSourcesRoute />} />
          <Route path="support-desk" element={<BindingsRoute />} />
          <Route path="support-desk/:bindingId" element={<ConfigureBindingRoute />} />
          <Route path="support-desk/:bindingId/conversations" element={<ConversationsRoute />} />
          <Route path="support-desk/:bindingId/conversations/:conversationId" element={<ConversationRoute />} />
          <Route path="analyses" element={<AnalysesListRoute />} />
          <Route path="analyses/new" element={<NewAnalysisRoute />} />
          <Route path="analyses/:id" element={<AnalysisDetailRoute />} />
          <Route path="triage" element={<TriageLearningRoute />} />
          <Route path="*" element={<NotFound />} />
        </Route>
        <Route path="/settings" element={<Navigate to="/settings/api-keys" replace />} />
        <Route path="/settings/api-keys" element={<ApiKeysRoute />} />
        <Route path="/settings/team" element={<TeamRoute />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

function NotFound() {
  return (
    <EmptyState
      title="Page not found"
      action={
        <Link className="btn" to="/projects">
          Go to projects
        </Link>
      }
    >
      This address does not match any page.
    </EmptyState>
  );
}
