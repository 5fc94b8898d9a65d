/**
 * Several server replicas on one PostgreSQL (issue 12): every acknowledged batch of a job's log is
 * a chunk in the shared database ({@code jobs.store.LogChunkStore}), and each replica's local
 * {@code {job}.jsonl} follows those chunks in sequence, so any replica serves the complete log.
 * {@link dev.stroem.logs.replica.ChunkedAppender} stores a batch (the commit is the acknowledgement)
 * and copies it locally; {@link dev.stroem.logs.replica.ChunkFollower} copies what other replicas
 * stored, before reads and on wake-up hints; {@link dev.stroem.logs.replica.ChunkHintPublisher}
 * tells the other replicas which jobs have new chunks.
 */
package dev.stroem.logs.replica;
