package dev.strobe.loadtest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much of the machine's CPU other processes used during a window: the benchmark's witness of a
 * noisy neighbour. Reads {@code /proc/stat} (all CPUs) and {@code /proc/self/stat} (this process)
 * at the start and the end of the window; both count in the kernel's clock ticks. On a machine
 * without {@code /proc} the share is NaN. Used by the benchmark's main thread only.
 */
final class CpuShare {
    /** USER_HZ: the unit of /proc's tick counts, 100 on every Linux architecture in use. */
    private static final int TICKS_PER_SECOND = 100;

    private final long busy0;
    private final long total0;
    private final long self0;

    private CpuShare(long[] machine, long self) {
        this.busy0 = machine[0];
        this.total0 = machine[1];
        this.self0 = self;
    }

    /** Starts a window now. */
    static CpuShare start() {
        return new CpuShare(machine(), self());
    }

    /**
     * The share of the machine's CPU time, 0..1, that processes other than this one used since
     * {@link #start}.
     */
    double othersSinceStart() {
        long[] m = machine();
        long total = m[1] - total0;
        if (m[1] < 0 || total0 < 0 || total <= 0) {
            return Double.NaN;
        }
        long others = (m[0] - busy0) - (self() - self0);
        return Math.max(0, Math.min(1, others / (double) total));
    }

    /** Seconds of CPU this process used since {@link #start} (NaN where unknown). */
    double selfSecondsSinceStart() {
        long ticks = self() - self0;
        return self0 <= 0 ? Double.NaN : ticks / (double) TICKS_PER_SECOND;
    }

    /** {busy, total} ticks over all CPUs, or {-1, -1}. */
    private static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long user = Long.parseLong(f[1]);
            long nice = Long.parseLong(f[2]);
            long system = Long.parseLong(f[3]);
            long idle = Long.parseLong(f[4]);
            long iowait = Long.parseLong(f[5]);
            long irq = Long.parseLong(f[6]);
            long softirq = Long.parseLong(f[7]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            long busy = user + nice + system + irq + softirq + steal;
            return new long[] {busy, busy + idle + iowait};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /** This process's user + system ticks, or 0. */
    private static long self() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // The command name (field 2) may hold spaces: count fields after its closing ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
