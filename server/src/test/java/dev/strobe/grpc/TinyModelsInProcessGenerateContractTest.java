package dev.strobe.grpc;

import dev.strobe.server.ModelSource;

/** The contract end to end on the tiny models over the in-process transport. */
class TinyModelsInProcessGenerateContractTest extends TinyModelsGenerateContractTest {
    @Override
    ContractServer start() throws Exception {
        return ContractServer.inProcess(ModelSource.DISK, TestServers.contractSettings());
    }
}
