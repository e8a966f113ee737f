import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { keys } from '../../api/keys';
import { ALL_ROLES, type Role } from '../../auth/access';
import { useUser } from '../../auth/use-user';
import { DateTime } from '../../components/date-time';
import { DataState } from '../../components/data-state';
import { ErrorBox } from '../../components/error-box';
import { Modal } from '../../components/modal';
import { trpc, type RouterOutputs } from '../../trpc';

type UserRow = RouterOutputs['users']['list'][number];

/** Users and their roles (admins only). */
export function UsersPanel() {
  const { t } = useTranslation(['settings', 'common', 'shell']);
  const me = useUser();
  const list = useQuery({ queryKey: keys.users, queryFn: () => trpc.users.list.query() });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<UserRow | null>(null);
  return (
    <section className="panel" aria-labelledby="users-title">
      <div className="panel-header">
        <h2 id="users-title">{t('users.title')}</h2>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          {t('users.new')}
        </button>
      </div>
      <DataState query={list} isEmpty={(rows) => rows.length === 0} empty={t('users.empty')}>
        {(rows) => (
          <div className="table-wrap">
            <table className="table" aria-labelledby="users-title">
              <thead>
                <tr>
                  <th scope="col">{t('users.username')}</th>
                  <th scope="col">{t('users.displayName')}</th>
                  <th scope="col">{t('users.roles')}</th>
                  <th scope="col">{t('users.status')}</th>
                  <th scope="col">{t('users.created')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('users.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((u) => (
                  <tr key={u.id} data-testid="user-row">
                    <td>
                      <code>{u.username}</code>
                      {u.id === me.id && <span className="muted small"> ({t('users.you')})</span>}
                    </td>
                    <td>{u.displayName}</td>
                    <td>
                      {u.roles.map((r) => (
                        <span key={r} className="role-chip">
                          {t(`shell:role.${r}`)}
                        </span>
                      ))}
                    </td>
                    <td>{u.disabled ? t('users.disabled') : t('users.enabled')}</td>
                    <td><DateTime value={u.createdAt} /></td>
                    <td className="row-actions">
                      <button type="button" className="btn btn-small" onClick={() => setEditing(u)} aria-label={t('users.editRolesNamed', { name: u.username })}>
                        {t('users.editRoles')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </DataState>
      {creating && <CreateUserDialog onClose={() => setCreating(false)} />}
      {editing && <RolesDialog user={editing} onClose={() => setEditing(null)} />}
    </section>
  );
}

function RoleCheckboxes({ roles, onChange }: { roles: readonly Role[]; onChange: (roles: Role[]) => void }) {
  const { t } = useTranslation(['settings', 'common', 'shell']);
  return (
    <fieldset className="field">
      <legend>{t('users.roles')}</legend>
      <div className="checkbox-row">
        {ALL_ROLES.map((r) => (
          <label key={r} className="check">
            <input type="checkbox" checked={roles.includes(r)} onChange={(e) => onChange(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))} />
            {t(`shell:role.${r}`)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function CreateUserDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation(['settings', 'common', 'shell']);
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<Role[]>(['operator']);
  const create = useMutation({
    mutationFn: () => trpc.users.create.mutate({ username: username.trim(), displayName: displayName.trim(), password, roles }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.users });
      onClose();
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }
  return (
    <Modal title={t('users.createTitle')} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span>{t('users.username')}</span>
          <input value={username} onChange={(e) => setUsername(e.target.value)} required minLength={2} maxLength={64} pattern="[A-Za-z0-9_.\-]+" autoComplete="off" data-autofocus />
          <span className="hint">{t('users.usernameHint')}</span>
        </label>
        <label className="field">
          <span>{t('users.displayName')}</span>
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} required maxLength={100} />
        </label>
        <label className="field">
          <span>{t('users.password')}</span>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={10} autoComplete="new-password" />
          <span className="hint">{t('users.passwordHint')}</span>
        </label>
        <RoleCheckboxes roles={roles} onChange={setRoles} />
        {create.isError && <ErrorBox error={create.error} />}
        <div className="modal-footer inline">
          <button type="button" className="btn" onClick={onClose}>
            {t('common:actions.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={create.isPending || roles.length === 0} aria-busy={create.isPending}>
            {create.isPending ? t('common:states.working') : t('users.create')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function RolesDialog({ user, onClose }: { user: UserRow; onClose: () => void }) {
  const { t } = useTranslation(['settings', 'common', 'shell']);
  const queryClient = useQueryClient();
  const [roles, setRoles] = useState<Role[]>(user.roles);
  const save = useMutation({
    mutationFn: () => trpc.users.setRoles.mutate({ id: user.id, roles }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.users });
      onClose();
    },
  });
  return (
    <Modal title={t('users.rolesTitle', { name: user.displayName })} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <RoleCheckboxes roles={roles} onChange={setRoles} />
        {roles.length === 0 && <p className="notice small">{t('users.noRolesWarning')}</p>}
        {save.isError && <ErrorBox error={save.error} />}
        <div className="modal-footer inline">
          <button type="button" className="btn" onClick={onClose}>
            {t('common:actions.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={save.isPending} aria-busy={save.isPending}>
            {save.isPending ? t('common:states.working') : t('common:actions.save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
