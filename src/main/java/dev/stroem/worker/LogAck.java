package dev.stroem.worker;

/** The server's answer to a log batch: how many lines it took, and whether it had the batch already. */
public record LogAck(int accepted, boolean duplicate) {}
