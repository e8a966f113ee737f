import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { createQueryClient } from './api/query-client';
import { can, OPERATE } from './auth/access';
import { LoginPage } from './auth/login-page';
import { RequireAuth } from './auth/require-auth';
import { useUser } from './auth/use-user';
import { ConnectionsPage } from './routes/connections/connections-page';
import { DeskPage } from './routes/desk/desk-page';
import { FlowPage } from './routes/flows/flow-page';
import { FlowsPage } from './routes/flows/flows-page';
import { NotFoundPage } from './routes/not-found-page';
import { RunDetailPage } from './routes/runs/run-detail-page';
import { ReportPage } from './routes/reconciliation/report-page';
import { ReportsPage } from './routes/reconciliation/reports-page';
import { RunsPage } from './routes/runs/runs-page';
import { SettingsRoutes } from './routes/settings/settings-routes';
import { AppShell } from './shell/app-shell';

/** The first page a user may see: flows for those who work with them, settings for everyone else. */
function Home() {
  const user = useUser();
  return <Navigate to={can(user, OPERATE) ? '/flows' : '/settings'} replace />;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<RequireAuth />}>
        <Route element={<AppShell />}>
          <Route index element={<Home />} />
          <Route path="flows" element={<FlowsPage />} />
          <Route path="flows/:id" element={<FlowPage />} />
          <Route path="runs" element={<RunsPage />} />
          <Route path="runs/:id" element={<RunDetailPage />} />
          <Route path="desk" element={<DeskPage />} />
          <Route path="reconciliation" element={<ReportsPage />} />
          <Route path="reconciliation/:id" element={<ReportPage />} />
          <Route path="connections" element={<ConnectionsPage />} />
          <Route path="settings/*" element={<SettingsRoutes />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </QueryClientProvider>
  );
}
