package dev.strobe.server.metrics;

import com.sun.management.GcInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the process holds, for leak detection over long runs (the soak test reads these): the heap
 * after the last garbage collection, live threads, and the resident set size. Read at scrape time
 * on the scraping thread; stateless apart from the names of the heap pools.
 *
 * <p>Heap after GC is the sum of the heap pools' usage right after the most recent collection
 * of any collector. The memory pools' own "collection usage" is not used: under G1 the old
 * generation's value only changes at mixed and full collections, so a leak into the old
 * generation would stay invisible between them.
 */
final class JvmGauges {
    private final Set<String> heapPools = new HashSet<>();

    JvmGauges() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                heapPools.add(p.getName());
            }
        }
    }

    /** Heap bytes in use right after the most recent garbage collection; NaN before the first. */
    double heapAfterGcBytes() {
        long latestEnd = -1;
        double bytes = Double.NaN;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(gc instanceof com.sun.management.GarbageCollectorMXBean withInfo)) {
                continue;
            }
            GcInfo info = withInfo.getLastGcInfo();
            if (info == null || info.getEndTime() <= latestEnd) {
                continue;
            }
            latestEnd = info.getEndTime();
            long sum = 0;
            for (Map.Entry<String, MemoryUsage> e : info.getMemoryUsageAfterGc().entrySet()) {
                if (heapPools.contains(e.getKey())) {
                    sum += e.getValue().getUsed();
                }
            }
            bytes = sum;
        }
        return bytes;
    }

    /** Live threads of the JVM. */
    double liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Resident set size from /proc/self/status (Linux); NaN where that file does not exist. */
    double residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024.0; // the value is in kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unexpected format: no value rather than a failed scrape
        }
        return Double.NaN;
    }
}
