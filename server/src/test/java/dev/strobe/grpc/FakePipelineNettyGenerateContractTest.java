package dev.strobe.grpc;

import dev.strobe.testing.FakeModels;

/** The contract on fake pipelines (no model runs) over Netty on a free port. */
class FakePipelineNettyGenerateContractTest extends GenerateContractTest {
    @Override
    ContractServer start() throws Exception {
        return ContractServer.netty(FakeModels.all(), TestServers.contractSettings(FakeModels.DIR));
    }
}
