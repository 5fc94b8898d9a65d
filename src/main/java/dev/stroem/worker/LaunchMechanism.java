package dev.stroem.worker;

import java.util.Locale;
import java.util.Optional;

/**
 * How a worker's JVM starts step processes. On Linux the JDK's default ({@code POSIX_SPAWN})
 * runs its helper {@code jspawnhelper}, which then runs the step: one program started more per
 * step, about half a millisecond of CPU each (BENCHMARKS.md, "Step dispatch"). {@code VFORK}
 * starts the step directly, and was Linux's default up to JDK 11. JDK 25 deprecates it and a
 * later JDK removes it (where naming it would stop the worker from starting any process), so it
 * is chosen only on JDK 17 to 24, and never over what the user set.
 */
public final class LaunchMechanism {

    /** The JDK's system property; read once, when the JVM starts its first process. */
    static final String PROPERTY = "jdk.lang.Process.launchMechanism";
    static final String VFORK = "VFORK";

    private LaunchMechanism() {}

    /**
     * What to set the property to: {@code VFORK} on Linux with JDK 17 to 24 when {@code current}
     * (the property as set) is null; empty when the JDK's choice or the user's stands.
     */
    static Optional<String> choose(String osName, int jdkFeature, String current) {
        boolean linux = osName != null && osName.toLowerCase(Locale.ROOT).startsWith("linux");
        if (current != null || !linux || jdkFeature >= 25) {
            return Optional.empty();
        }
        return Optional.of(VFORK);
    }

    /**
     * Sets the property for this JVM when {@link #choose} says so. Call before the JVM starts
     * any process (a worker's start): later it changes nothing.
     */
    public static void preferDirectLaunch() {
        choose(System.getProperty("os.name"), Runtime.version().feature(), System.getProperty(PROPERTY))
                .ifPresent(value -> System.setProperty(PROPERTY, value));
    }
}
