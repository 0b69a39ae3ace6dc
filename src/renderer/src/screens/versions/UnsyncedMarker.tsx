/** "Not yet synced" beside a version saved here that the team server has not numbered yet (its number is provisional). */
export function UnsyncedMarker() {
  return (
    <span className="unsynced-marker" title="Saved on this computer; the team server gives its final number when it syncs">
      Not yet synced
    </span>
  );
}
