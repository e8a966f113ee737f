import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { keys } from '../api/keys';
import { useErrorText } from '../hooks/use-error-text';
import { trpc } from '../trpc';
import { LanguageSelect } from '../shell/language-select';
import { useSession } from './use-session';

/** Where to go after signing in: the page the user was sent away from, never another site. */
export function returnPath(state: unknown): string {
  const from = typeof state === 'object' && state !== null && 'from' in state ? (state as { from: unknown }).from : null;
  if (typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && !from.startsWith('/login')) return from;
  return '/';
}

export function LoginPage() {
  const { t } = useTranslation('auth');
  const errorText = useErrorText();
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const userRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const login = useMutation({
    mutationFn: () => trpc.auth.login.mutate({ username: username.trim(), password }),
    onSuccess: async (user) => {
      queryClient.setQueryData(keys.me, { id: user.id, username: user.username, displayName: user.displayName, roles: user.roles });
      await navigate(returnPath(location.state), { replace: true });
    },
    onError: () => {
      setPassword('');
      passwordRef.current?.focus();
    },
  });

  useEffect(() => {
    userRef.current?.focus();
  }, []);

  if (session.data) return <Navigate to={returnPath(location.state)} replace />;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!username.trim()) return userRef.current?.focus();
    if (!password) return passwordRef.current?.focus();
    login.mutate();
  }

  return (
    <main className="login-page">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <div className="login-brand" aria-hidden="true">
          桥
        </div>
        <h1 id="login-title">{t('title')}</h1>
        <p className="muted">{t('subtitle')}</p>
        <label className="field">
          <span>{t('username')}</span>
          <input ref={userRef} name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required aria-required="true" />
        </label>
        <label className="field">
          <span>{t('password')}</span>
          <input ref={passwordRef} name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required aria-required="true" />
        </label>
        {login.isError && (
          <div className="error-box" role="alert" data-testid="login-error">
            {errorText(login.error)}
          </div>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={login.isPending} aria-busy={login.isPending}>
          {login.isPending ? t('signingIn') : t('signIn')}
        </button>
        <div className="login-footer">
          <LanguageSelect />
        </div>
      </form>
    </main>
  );
}
