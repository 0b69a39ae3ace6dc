import type { ReactNode } from 'react';

/**
 * The tables of Settings and the team screens (members, API keys, devices, invites): the header
 * names each column once (`false` leaves a column out) and ends with the row buttons' column,
 * named "Actions" for screen readers only. `children` are the rows (`<tr>`s). The classes keep
 * each table's look: `data-table` in a `table-wrap` by default; `wrapClassName` null for no wrap.
 *
 * @example <SettingsTable label="Your devices" columns={['Device', 'Added', 'Last seen']}>{rows}</SettingsTable>
 */
export function SettingsTable({
  label,
  columns,
  className = 'data-table',
  wrapClassName = 'table-wrap',
  children,
}: {
  label?: string;
  columns: readonly (string | false)[];
  className?: string;
  wrapClassName?: string | null;
  children: ReactNode;
}) {
  const table = (
    <table className={className} aria-label={label}>
      <thead>
        <tr>
          {columns.map((column) => column !== false && <th scope="col" key={column}>{column}</th>)}
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
  return wrapClassName === null ? table : <div className={wrapClassName}>{table}</div>;
}
