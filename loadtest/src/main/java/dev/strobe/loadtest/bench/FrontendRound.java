package dev.strobe.loadtest.bench;

import dev.strobe.loadtest.driver.RunSummary;

/** One round of {@code strobe bench frontends}: the gRPC run and the HTTP run, back to back. */
record FrontendRound(RunSummary grpc, RunSummary http) {
    /** HTTP's throughput as a share of gRPC's in this round. */
    double httpShare() {
        return http.imagesPerSecond() / grpc.imagesPerSecond();
    }
}
