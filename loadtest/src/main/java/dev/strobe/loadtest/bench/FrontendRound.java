package dev.strobe.loadtest.bench;

import dev.strobe.loadtest.driver.RunSummary;

/** One round of {@code strobe bench frontends}: the gRPC run and the HTTP run, back to back. */
record FrontendRound(Run grpc, Run http) {
    /**
     * One frontend's run.
     *
     * @param cpuSeconds CPU seconds this process (server and load driver) used over the run
     * @param othersCpu the share of the machine's CPU other processes used meanwhile
     */
    record Run(RunSummary summary, double cpuSeconds, double othersCpu) {
        /** Images finished in the measured window per CPU-second of this process. */
        double imagesPerCpuSecond() {
            return summary.images() / cpuSeconds;
        }
    }

    /** HTTP's throughput as a share of gRPC's in this round. */
    double httpShare() {
        return http.summary().imagesPerSecond() / grpc.summary().imagesPerSecond();
    }

    /** HTTP's images per CPU-second as a share of gRPC's: what other processes' load hardly moves. */
    double httpCpuShare() {
        return http.imagesPerCpuSecond() / grpc.imagesPerCpuSecond();
    }
}
