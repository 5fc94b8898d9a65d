package dev.stroem.jobs.store;

import dev.stroem.jobs.Job;
import java.util.List;

/** One page of jobs, newest first, and how many match in all. */
public record JobPage(List<Job> items, long total) {}
