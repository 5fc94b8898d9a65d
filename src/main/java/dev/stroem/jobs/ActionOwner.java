package dev.stroem.jobs;

/**
 * Where a step's action comes from when it is another workspace's ({@code action: ws.name}): that
 * workspace and its revision when the job was created. The step renders its action there and runs
 * on that workspace's files.
 */
public record ActionOwner(String workspace, String revision) {}
