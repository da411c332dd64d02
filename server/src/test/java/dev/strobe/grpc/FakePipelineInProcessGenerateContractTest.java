package dev.strobe.grpc;

import dev.strobe.testing.FakeModels;

/** The contract on fake pipelines (no model runs) over the in-process transport. */
class FakePipelineInProcessGenerateContractTest extends GenerateContractTest {
    @Override
    ContractServer start() throws Exception {
        return ContractServer.inProcess(FakeModels.all(), TestServers.contractSettings(FakeModels.DIR));
    }
}
