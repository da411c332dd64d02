package dev.strobe.engine.tensorrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The process-wide TensorRT log with two plans loaded: TensorRT has one logger per process, so
 * one plan's errors reach the same log as the other's; each failing call must get its own words
 * and a healthy call must never fail because of another plan's message.
 */
class TrtErrorLogTest {
    private final List<String> sunk = new ArrayList<>();
    private final TrtErrorLog log = new TrtErrorLog((s, text) -> {
        synchronized (sunk) {
            sunk.add(s + " " + text);
        }
    });

    /** What TensorRT does for a failing call: it logs the reason on the calling thread, then returns false. */
    private boolean failingCall(String reason) {
        log.record(TrtErrorLog.Severity.ERROR, reason);
        return false;
    }

    @Test
    void aFailedCallGetsTheErrorsItLoggedAndNoOthers() {
        // plan A logs an error outside any call window (e.g. while it was being destroyed)
        log.record(TrtErrorLog.Severity.ERROR, "A: [engine.cpp] Error Code 1: Cuda Runtime (invalid argument)");
        TrtNativeException e = assertThrows(
                TrtNativeException.class,
                () -> log.check(
                        () -> failingCall("B: setInputShape: sample dimension 2 is 200, max 192"),
                        "setInputShape(sample)"));
        assertEquals(
                "setInputShape(sample) failed: B: setInputShape: sample dimension 2 is 200, max 192", e.getMessage());
        assertEquals(2, sunk.size(), "both messages still reach the log: " + sunk);
    }

    @Test
    void aHealthyCallIsNotFailedByAnotherPlansEarlierError() {
        TrtErrorLog.Captured<Boolean> a = log.capture(() -> failingCall("A: enqueueV3: illegal memory access"));
        TrtErrorLog.Captured<Boolean> b = log.capture(() -> true);
        assertEquals(List.of("A: enqueueV3: illegal memory access"), a.errors());
        assertEquals(List.of(), b.errors(), "B's call logged nothing and must not inherit A's error");
        log.check(() -> true, "enqueueV3"); // and does not throw
    }

    @Test
    void errorsLoggedOnAnotherThreadAreNotBlamedOnThisCall() throws Exception {
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch logged = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            try {
                inCall.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.record(TrtErrorLog.Severity.INTERNAL_ERROR, "builder thread: out of memory");
            logged.countDown();
        });
        other.start();
        TrtErrorLog.Captured<String> c = log.capture(() -> {
            inCall.countDown();
            try {
                logged.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "done";
        });
        other.join();
        assertEquals("done", c.value());
        assertEquals(List.of(), c.errors());
        assertEquals("no TensorRT error text", c.errorsOr("no TensorRT error text"));
    }

    @Test
    void nestedCallsReportToTheOuterCallToo() {
        TrtErrorLog.Captured<List<String>> outer = log.capture(() -> {
            TrtErrorLog.Captured<Boolean> inner = log.capture(() -> failingCall("inner"));
            log.record(TrtErrorLog.Severity.ERROR, "outer");
            return inner.errors();
        });
        assertEquals(List.of("inner"), outer.value());
        assertEquals(List.of("inner", "outer"), outer.errors());
        assertTrue(log.capture(() -> true).errors().isEmpty(), "the window closed with the outer call");
    }

    @Test
    void warningsAreKeptForReportsButNeverFailACall() {
        TrtErrorLog.Captured<Boolean> c = log.capture(() -> {
            log.record(
                    TrtErrorLog.Severity.WARNING,
                    "The logger passed into createInferRuntime differs from one" + " already provided");
            return true;
        });
        assertTrue(c.errors().isEmpty());
        assertEquals(1, log.recentWarnings().size());
    }
}
