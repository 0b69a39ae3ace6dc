import { useState, type FormEvent } from 'react';
import {
  SHARE_PERMISSIONS,
  SHARING_LEVEL_LABELS,
  SHARING_LEVELS,
  TEAM_SHARING_REFUSED,
  type Share,
  type SharePermission,
} from '../../../../shared/schemas/sharing';
import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { SelectField } from '../../components/SelectField';
import { messageForField } from '../../lib/field-errors';
import { PERMISSION_LABELS, SHARING_LEVEL_HINTS, sharingAllows } from '../../state/sharing-slice';
import { useSharing } from '../../state/sharing-queries';
import { useAppStore } from '../../state/store';
import { ShareWithField } from './ShareWithField';
import { WidenConfirm } from './WidenConfirm';
import { LockIcon } from '../../components/LockIcon';
import { RadioCards } from '../../components/RadioCards';

const PERMISSION_OPTIONS = SHARE_PERMISSIONS.map((value) => ({ value, label: PERMISSION_LABELS[value] }));

/** The Sharing tab: who may find, run and edit this prompt. The server decides; this offers what `allowed` says. */
export function SharingPanel({ promptName }: { promptName: string }) {
  const { info, error, retry } = useSharing(promptName);
  // A team prompt on a desktop: the team server decides (the core refuses too, with the same words).
  const onTeamServer = info?.decidedOnTeamServer === true;
  const canShare = sharingAllows(info, 'share') && !onTeamServer;

  if (!info) {
    if (error) {
      return (
        <Banner tone="error" action={<Button size="sm" onClick={retry}>Try again</Button>}>
          Could not load sharing: {error}
        </Banner>
      );
    }
    return <div className="skeleton-list" aria-busy="true" aria-label="Loading sharing" />;
  }

  return (
    <div className="tab-stack sharing">
      {!canShare && (
        <p className="sharing__readonly">
          <LockIcon />
          {onTeamServer ? TEAM_SHARING_REFUSED : 'Only the owner or an admin can change sharing'}
        </p>
      )}
      <LevelSection promptName={promptName} canShare={canShare} />
      <PeopleSection promptName={promptName} canShare={canShare} />
      <WidenConfirm />
    </div>
  );
}

function LevelSection({ promptName, canShare }: { promptName: string; canShare: boolean }) {
  const { info } = useSharing(promptName);
  const level = info?.level;
  const owner = info?.owner;
  const setLevel = useAppStore((s) => s.sharing.setLevel);
  return (
    <section className="panel sharing__level">
      <fieldset className="level-cards" data-fix-target="level" disabled={!canShare}>
        <legend className="panel__title">Sharing level</legend>
        <div className="level-cards__grid">
          <RadioCards
            name="sharing-level"
            options={SHARING_LEVELS}
            value={level}
            labels={SHARING_LEVEL_LABELS}
            hints={SHARING_LEVEL_HINTS}
            onChange={(value) => void setLevel(value)}
            hideHintsFromName
          />
        </div>
      </fieldset>
      {owner && (
        <p className="sharing__owner">
          <span className="sharing__owner-label">Owner:</span> {owner.name} <span className="muted">({owner.email})</span>
        </p>
      )}
    </section>
  );
}

const NO_SHARES: Share[] = [];

function PeopleSection({ promptName, canShare }: { promptName: string; canShare: boolean }) {
  const shares = useSharing(promptName).info?.shares ?? NO_SHARES;
  return (
    // Not labelled by its heading: "Share with" must name only the field (getByLabel, voice control).
    <section className="panel sharing__people">
      <h2 className="panel__title">
        Share with people
      </h2>
      {canShare && <AddShareForm promptName={promptName} />}
      {shares.length === 0 ? (
        <p className="panel__empty">Not shared with anyone yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table shares-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Permission</th>
                {canShare && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {shares.map((share) => (
                <ShareRow key={share.user.id} share={share} canShare={canShare} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function AddShareForm({ promptName }: { promptName: string }) {
  const add = useAppStore((s) => s.sharing.add);
  const busy = useAppStore((s) => s.sharing.busy);
  const addError = useAppStore((s) => s.sharing.addError);
  const clearAddError = useAppStore((s) => s.sharing.clearAddError);
  const [who, setWho] = useState('');
  const [permission, setPermission] = useState<SharePermission>('view');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await add(who, permission)) setWho('');
  };

  return (
    <form className="share-form" onSubmit={(event) => void submit(event)} noValidate>
      <ShareWithField
        promptName={promptName}
        value={who}
        error={addError ? messageForField(addError) : null}
        onChange={(value) => {
          setWho(value);
          clearAddError();
        }}
      />
      <SelectField
        label="Permission"
        options={PERMISSION_OPTIONS}
        value={permission}
        onChange={(event) => setPermission(event.target.value as SharePermission)}
      />
      <Button type="submit" variant="primary" disabled={busy} className="share-form__add">
        Add
      </Button>
    </form>
  );
}

function ShareRow({ share, canShare }: { share: Share; canShare: boolean }) {
  const setPermission = useAppStore((s) => s.sharing.setPermission);
  const remove = useAppStore((s) => s.sharing.remove);
  const busy = useAppStore((s) => s.sharing.busy);
  const name = share.user.name || share.user.email;
  return (
    <tr>
      <td className="shares-table__name">{name}</td>
      <td className="data-table__muted">{share.user.email}</td>
      <td>
        {canShare ? (
          <SelectField
            label={`Permission for ${name}`}
            hideLabel
            options={PERMISSION_OPTIONS}
            value={share.permission}
            onChange={(event) => void setPermission(share.user.id, event.target.value as SharePermission)}
          />
        ) : (
          PERMISSION_LABELS[share.permission]
        )}
      </td>
      {canShare && (
        <td className="data-table__actions">
          <Button size="sm" variant="ghost" disabled={busy} aria-label={`Remove ${name}`} onClick={() => void remove(share.user.id)}>
            Remove
          </Button>
        </td>
      )}
    </tr>
  );
}

