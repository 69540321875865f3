/**
 * The keys this tool writes into a snapshot's info.xml userdata, and what they say. A module
 * of its own so that the index (on the path of `list`) reads them without the store's
 * subprocess layer.
 */
export const MARKER_KEY = 'transactional-update';
export const IN_PROGRESS_KEY = 'transactional-update-in-progress';
export const FAILED_KEY = 'transactional-update-failed';

export interface SnapshotMarkers {
  /** Made by this tool. */
  ours: boolean;
  inProgress: boolean;
  failed: boolean;
}

export function markersOf(userdata: Record<string, string>): SnapshotMarkers {
  return { ours: MARKER_KEY in userdata, inProgress: userdata[IN_PROGRESS_KEY] === 'yes', failed: userdata[FAILED_KEY] === 'yes' };
}
