import { useEffect } from 'react';
import type { Integration } from '../../../../shared/schemas/integrations';
import { ActionNotice } from '../../components/ActionNotice';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { INTEGRATION_KIND_LABELS, accessLabel, integrationById } from '../../state/integrations-slice';
import { useAppStore } from '../../state/store';
import { useIntegrations } from '../../state/workspace-queries';
import { IntegrationDialog } from './IntegrationDialog';
import { SettingsSection } from './SettingsSection';

/** Model providers: admins manage them; members see the ones they may use. */
export function IntegrationsSection() {
  const { items, status, error } = useIntegrations();
  const isAdmin = useAppStore((s) => s.session.info?.currentUser.role === 'admin');
  const openEditor = useAppStore((s) => s.integrations.openEditor);
  const closeEditor = useAppStore((s) => s.integrations.closeEditor);
  // Leaving Settings with the dialog open must not bring it back on the next visit.
  useEffect(() => closeEditor, [closeEditor]);

  return (
    <SettingsSection
      title="Integrations"
      wide={items.length > 0 ? <IntegrationsTable items={items} canManage={isAdmin} /> : null}
      description={
        isAdmin ? (
          <p>
            Model providers that prompts and chats run on: OpenAI-compatible servers (OpenAI, Ollama, LM Studio, OpenRouter,
            vLLM) or Anthropic. A model is named <code>integration:model</code>, e.g. <code>local:llama3</code>. Stored keys are
            never shown again.
          </p>
        ) : (
          <p>
            Model providers set up by an admin. You can run the models of the integrations listed here; prompts and chats name
            them <code>integration:model</code>.
          </p>
        )
      }
    >
      <IntegrationsNotice />
      {error && <Banner tone="error">Could not load integrations: {error}</Banner>}
      {isAdmin && (
        <div className="integrations__add">
          <Button variant="primary" onClick={() => openEditor(null)}>
            Add integration
          </Button>
        </div>
      )}
      {status === 'loading' && items.length === 0 && <p className="muted">Loading…</p>}
      {!isAdmin && items.length > 0 && (
        <p className="muted">
          {items.length === 1 ? 'One integration is' : `${items.length} integrations are`} available to you. Ask an admin to add a
          provider or to change who may use one.
        </p>
      )}
      {status === 'ready' && items.length === 0 && (
        <p className="muted">
          {isAdmin ? 'No integrations yet.' : 'No integrations are available to you yet: ask an admin to add one or give you access.'}
        </p>
      )}
      {isAdmin && <IntegrationDialog />}
      {isAdmin && <DeleteConfirm />}
    </SettingsSection>
  );
}

function IntegrationsNotice() {
  const notice = useAppStore((s) => s.integrations.notice);
  const actionError = useAppStore((s) => s.integrations.actionError);
  return <ActionNotice notice={notice} error={actionError} />;
}

function IntegrationsTable({ items, canManage }: { items: Integration[]; canManage: boolean }) {
  return (
    <div className="integrations-table-wrap">
      <table className="members-table integrations-table" aria-label="Integrations">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Base URL</th>
            <th scope="col">Key</th>
            <th scope="col">Models</th>
            <th scope="col">Access</th>
            {canManage && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {items.map((integration) => (
            <IntegrationRow key={integration.id} integration={integration} canManage={canManage} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function IntegrationRow({ integration, canManage }: { integration: Integration; canManage: boolean }) {
  const openEditor = useAppStore((s) => s.integrations.openEditor);
  const requestDelete = useAppStore((s) => s.integrations.requestDelete);
  const deleting = useAppStore((s) => s.integrations.deleting);
  const count = integration.models.length;
  return (
    <tr>
      <td>
        <code className="integrations-table__name">{integration.name}</code>
      </td>
      <td className="integrations-table__kind">{INTEGRATION_KIND_LABELS[integration.kind]}</td>
      <td>
        <code className="integrations-table__url">{integration.baseUrl}</code>
      </td>
      <td className="integrations-table__key">
        {integration.hasApiKey ? <code>{integration.apiKeyHint ?? 'Stored'}</code> : <span className="muted">No key</span>}
      </td>
      <td className="integrations-table__models" title={count > 0 ? integration.models.join(', ') : undefined}>
        {count === 0 ? <span className="muted">None</span> : `${count} ${count === 1 ? 'model' : 'models'}`}
      </td>
      <td className="integrations-table__access">{accessLabel(integration)}</td>
      {canManage && (
        <td className="members-table__actions">
          <div className="row-actions">
            <Button size="sm" aria-label={`Edit ${integration.name}`} onClick={() => openEditor(integration.id)}>
              Edit
            </Button>
            <Button
              size="sm"
              variant="ghost"
              disabled={deleting}
              aria-label={`Delete ${integration.name}`}
              onClick={() => requestDelete(integration.id)}
            >
              Delete
            </Button>
          </div>
        </td>
      )}
    </tr>
  );
}

function DeleteConfirm() {
  const deleteTarget = useAppStore((s) => s.integrations.deleteTarget);
  const target = integrationById(useIntegrations().items, deleteTarget);
  const confirm = useAppStore((s) => s.integrations.confirmDelete);
  const cancel = useAppStore((s) => s.integrations.cancelDelete);
  if (!target) return null;
  return (
    <ConfirmDialog
      title={`Delete integration ${target.name}?`}
      description={
        <p>
          Prompts and chats that use <code>{target.name}:…</code> models can no longer run them, and its stored key is
          deleted. This cannot be undone.
        </p>
      }
      confirmLabel="Delete"
      cancelLabel="Cancel"
      destructive
      onConfirm={() => void confirm()}
      onCancel={cancel}
    />
  );
}
