package dev.strobe.grpc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.errors.ErrorKind;
import dev.strobe.errors.StrobeException;
import dev.strobe.service.GenerateCommand;
import dev.strobe.service.Limits;
import dev.strobe.service.ModelInfo;
import dev.strobe.service.RequestValidator;
import io.grpc.Status;

/**
 * Fuzzes the request path in front of the batcher with any bytes a client can send: parsed as a
 * GenerateRequest, mapped by {@link ProtoMapper#toCommand} and validated by every rule of
 * {@link RequestValidator} against a served model. Property: each input is accepted or refused
 * with INVALID_REQUEST and a sentence, which the status table maps to INVALID_ARGUMENT; no other
 * exception, never UNKNOWN.
 */
class RequestMappingFuzzTest {
    private static final ModelInfo MODEL = new ModelInfo(
            "tiny-lightning-4step",
            "sdxl-lightning",
            4,
            "epsilon",
            "trailing",
            256,
            2048,
            64,
            1024,
            1024,
            8,
            "onnxruntime");
    private static final RequestValidator VALIDATOR = new RequestValidator(Limits.defaults());

    @FuzzTest(maxDuration = "30s")
    void everyRequestIsAcceptedOrRefusedWithAStatus(byte[] wire) {
        GenerateRequest r;
        try {
            r = GenerateRequest.parseFrom(wire);
        } catch (InvalidProtocolBufferException e) {
            return; // gRPC refuses these itself (INTERNAL from the marshaller, before our code)
        }
        GenerateCommand c = ProtoMapper.toCommand(r);
        try {
            VALIDATOR.checkText(c);
            assertNotNull(VALIDATOR.size(c, MODEL));
            VALIDATOR.steps(c, MODEL);
            VALIDATOR.numImages(c);
            assertNotNull(VALIDATOR.preview(c));
            assertNotNull(VALIDATOR.output(c));
        } catch (StrobeException e) {
            assertNotEquals(null, e.getMessage());
            assertFalse(e.getMessage().isBlank());
            Status s = StatusMapper.toStatus(e);
            assertNotEquals(Status.Code.UNKNOWN, s.getCode());
            if (e.kind() != ErrorKind.INVALID_REQUEST) {
                throw new AssertionError("a request was refused as " + e.kind() + ": " + e.getMessage());
            }
        }
    }
}
