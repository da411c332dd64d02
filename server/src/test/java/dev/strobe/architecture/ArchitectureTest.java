package dev.strobe.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of docs/design/ARCHITECTURE.md, checked on the compiled main classes of the server,
 * the engines and the contract: the engines never see a protocol or the pipeline; the batcher
 * never sees protobuf; the service layer (stream semantics, rendering) is transport-free; each
 * frontend is a thin writer that knows neither the other frontend nor image rendering; gRPC and
 * Jetty types stay inside their frontend (and the generated stubs), so the composition root picks
 * a {@code GrpcTransport} without naming gRPC; and the top-level packages form no cycle.
 */
class ArchitectureTest {

    private static final String[] PROTOCOLS = {
        "io.grpc..", "org.eclipse.jetty..", "com.google.protobuf..", "dev.strobe.api.."
    };

    /** The engines read ONNX files with protobuf's wire parser, which is not a protocol. */
    private static final String[] PROTOCOLS_BUT_THE_WIRE_PARSER = {
        "io.grpc..", "org.eclipse.jetty..", "dev.strobe.api.."
    };

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // the engines' test jar (the tiny models' reference math) is test code too
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.strobe");
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }

    @Test
    void theEnginesSeeNoProtocolAndNothingAboveThem() {
        check(noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.strobe.engine..",
                        "dev.strobe.model..",
                        "dev.strobe.tiny..",
                        "dev.strobe.sdxl..",
                        "dev.strobe.json..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(PROTOCOLS_BUT_THE_WIRE_PARSER)
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.strobe.pipeline..",
                        "dev.strobe.scheduler..",
                        "dev.strobe.service..",
                        "dev.strobe.grpc..",
                        "dev.strobe.http..",
                        "dev.strobe.server.."));
    }

    @Test
    void thePipelineAndTheBatcherSeeNoProtocol() {
        check(noClasses()
                .that()
                .resideInAnyPackage("dev.strobe.pipeline..", "dev.strobe.scheduler..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(PROTOCOLS)
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.strobe.service..", "dev.strobe.grpc..", "dev.strobe.http..", "dev.strobe.server.."));
    }

    @Test
    void thePipelineDoesNotKnowTheBatcher() {
        check(noClasses()
                .that()
                .resideInAPackage("dev.strobe.pipeline..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.strobe.scheduler.."));
    }

    @Test
    void theServiceLayerIsTransportFree() {
        check(noClasses()
                .that()
                .resideInAnyPackage("dev.strobe.service..", "dev.strobe.errors..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.grpc..",
                        "org.eclipse.jetty..",
                        "com.google.protobuf..",
                        "dev.strobe.grpc..",
                        "dev.strobe.http..",
                        "dev.strobe.server.."));
    }

    @Test
    void theFrontendsDoNotKnowEachOther() {
        check(noClasses()
                .that()
                .resideInAPackage("dev.strobe.grpc..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.strobe.http..", "org.eclipse.jetty.."));
        check(noClasses()
                .that()
                .resideInAPackage("dev.strobe.http..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.strobe.grpc..", "io.grpc..", "com.google.protobuf.."));
    }

    @Test
    void theFrontendsOnlyWriteWhatTheServiceRendered() {
        check(noClasses()
                .that()
                .resideInAnyPackage("dev.strobe.grpc..", "dev.strobe.http..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.strobe.pipeline.image..", "dev.strobe.engine.."));
    }

    @Test
    void grpcAndJettyTypesStayInTheirFrontend() {
        check(noClasses()
                .that()
                .resideOutsideOfPackages("dev.strobe.grpc..", "dev.strobe.api..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.grpc.."));
        check(noClasses()
                .that()
                .resideOutsideOfPackage("dev.strobe.http..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.eclipse.jetty.."));
    }

    @Test
    void theTopLevelPackagesFormNoCycle() {
        check(slices().matching("dev.strobe.(*)..").should().beFreeOfCycles());
    }
}
