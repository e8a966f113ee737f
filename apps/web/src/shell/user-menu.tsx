import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { SessionUser } from '../auth/access';
import { useErrorText } from '../hooks/use-error-text';
import { LANGUAGES, setLanguage } from '../i18n';
import { trpc } from '../trpc';
import { LANGUAGE_NAMES } from './language-select';

/**
 * The user's name opens a menu: roles, language (remembered in this browser) and sign out.
 * Arrow keys move between items, Escape closes and returns focus to the button.
 */
export function UserMenu({ user }: { user: SessionUser }) {
  const { t, i18n } = useTranslation('shell');
  const errorText = useErrorText();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const logout = useMutation({
    mutationFn: () => trpc.auth.logout.mutate(),
    onSuccess: async () => {
      queryClient.clear();
      await navigate('/login', { replace: true });
    },
  });

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role^="menuitem"]')?.focus();
    const onDown = (event: MouseEvent) => {
      if (!menu.current?.contains(event.target as Node) && !button.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  function onMenuKey(event: React.KeyboardEvent) {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
    const index = items.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'Escape') {
      setOpen(false);
      button.current?.focus();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = (index + (event.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
      items[next]?.focus();
    } else if (event.key === 'Tab') {
      setOpen(false);
    }
  }

  return (
    <div className="user-menu">
      <button
        ref={button}
        type="button"
        className="user-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        aria-label={t('userMenu', { name: user.displayName })}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        <span className="avatar" aria-hidden="true">
          {user.displayName.slice(0, 1)}
        </span>
        <span>{user.displayName}</span>
      </button>
      {open && (
        <div ref={menu} id={menuId} className="menu" role="menu" aria-label={t('userMenu', { name: user.displayName })} onKeyDown={onMenuKey}>
          <div className="menu-section" role="presentation">
            <div className="menu-user">{user.displayName}</div>
            <div className="muted small">@{user.username}</div>
            <div className="roles" aria-label={t('roles')}>
              {user.roles.map((r) => (
                <span key={r} className="role-chip">
                  {t(`role.${r}`)}
                </span>
              ))}
            </div>
          </div>
          <div className="menu-section" role="group" aria-label={t('language')}>
            <div className="menu-label" aria-hidden="true">
              {t('language')}
            </div>
            {LANGUAGES.map((l) => (
              <button
                key={l}
                type="button"
                role="menuitemradio"
                aria-checked={i18n.language === l}
                lang={l}
                className="menu-item"
                tabIndex={-1}
                onClick={() => {
                  void setLanguage(l);
                  setOpen(false);
                  button.current?.focus();
                }}
              >
                <span className="check" aria-hidden="true">
                  {i18n.language === l ? '✓' : ''}
                </span>
                {LANGUAGE_NAMES[l]}
              </button>
            ))}
          </div>
          <div className="menu-section">
            <button type="button" role="menuitem" className="menu-item" tabIndex={-1} onClick={() => logout.mutate()} disabled={logout.isPending}>
              {logout.isPending ? t('signingOut') : t('signOut')}
            </button>
            {logout.isError && (
              <div className="error-box small" role="alert">
                {errorText(logout.error)}
              </div>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
