package dev.stroem.worker;

import java.nio.file.Path;

/**
 * The answer to {@code GET /worker/workspace/{ws}.tar.gz}.
 *
 * @param status 200 (the archive was written to {@code archive}), 304 (the revision asked for
 *     with {@code If-None-Match} is still current) or 404 (the server has no files for it: an
 *     unknown workspace or revision, or a server without workspace downloads)
 * @param revision the revision the server named ({@code X-Revision}, else its {@code ETag}), or null
 * @param archive where the archive was written (200 only)
 */
public record WorkspaceDownload(int status, String revision, Path archive) {}
