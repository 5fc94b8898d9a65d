package dev.stroem.worker;

import java.nio.file.Path;

/**
 * The answer to {@code GET /worker/state/…}: the latest snapshot's id and where its tarball was
 * written, or {@link #NONE} when there is no snapshot (or the server keeps no state).
 */
public record StateDownload(String snapshotId, Path archive) {
    public static final StateDownload NONE = new StateDownload(null, null);

    public boolean present() {
        return archive != null;
    }
}
