package dev.strobe.grpc;

import dev.strobe.server.ModelSource;

/** The contract end to end on the tiny models over Netty on a free port. */
class TinyModelsNettyGenerateContractTest extends TinyModelsGenerateContractTest {
    @Override
    ContractServer start() throws Exception {
        return ContractServer.netty(ModelSource.DISK, TestServers.contractSettings());
    }
}
