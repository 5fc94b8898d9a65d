package dev.stroem.bench;

import dev.stroem.worker.ActionSpec;
import dev.stroem.worker.ClaimedStep;
import dev.stroem.worker.ScriptRunner;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The worker's part of a step without HTTP or a server: {@code echo a} run through
 * {@link ScriptRunner} (step directory, {@code setsid bash}, output readers, leftover check),
 * {@code --steps} times on 4 threads after {@code --warmup} unmeasured ones. Prints this JVM's CPU
 * and its step processes' CPU ({@code cutime + cstime} of /proc/self/stat, 10 ms ticks) per step.
 * A full dispatch run (DispatchBenchmark) varies by a millisecond or more per step from run to
 * run on a shared machine; this isolates what spawning and reading a step costs, to compare
 * launch mechanisms ({@code -Djdk.lang.Process.launchMechanism=…}) or two builds' classes.
 */
public final class StepSpawnBenchmark {

    public static void main(String[] args) throws Exception {
        int warmup = 500;
        int steps = 2000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--steps" -> steps = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("stroem-spawn-bench");
        var runner = new ScriptRunner(work, Duration.ofSeconds(1));
        var spec = new ActionSpec("echo a", Map.of(), null, null, null, List.of(), List.of());
        ExecutorService slots = Executors.newFixedThreadPool(4);
        try {
            run(runner, spec, slots, warmup);
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long jvm0 = os.getProcessCpuTime();
            long children0 = childrenTicks();
            run(runner, spec, slots, steps);
            double jvm = (os.getProcessCpuTime() - jvm0) / 1e6 / steps;
            double children = (childrenTicks() - children0) * 10.0 / steps;
            System.out.printf(Locale.ROOT, "%d steps (launch mechanism %s): worker JVM %.2f ms, step processes %.2f ms; "
                            + "total %.2f ms CPU per step%n", steps,
                    System.getProperty("jdk.lang.Process.launchMechanism", "JDK default"), jvm, children, jvm + children);
        } finally {
            slots.shutdownNow();
            runner.discardIdleDirectories();
        }
    }

    private static void run(ScriptRunner runner, ActionSpec spec, ExecutorService slots, int steps) throws Exception {
        var done = new ArrayList<Future<?>>();
        for (int i = 0; i < steps; i++) {
            var step = new ClaimedStep("job-" + i, "default", "task", "only", "echo-a", "script", "local", spec, null, 30L);
            done.add(slots.submit(() -> {
                int exit = runner.start(step, line -> {}).await().exitCode();
                if (exit != 0) {
                    throw new IllegalStateException("echo a exited with " + exit);
                }
                return null;
            }));
        }
        for (var step : done) {
            step.get();
        }
    }

    /** The CPU of this process's waited-for children (user + system), in clock ticks. */
    private static long childrenTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    }
}
