package dev.strobe.server;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code strobe serve} does on SIGTERM or SIGINT, at every moment of its life:
 *
 * <ul>
 *   <li>during start-up (generating, loading or warming the models): interrupts the main thread,
 *       which stops between two steps, closes what it opened, logs what it interrupted and exits
 *       with status 0; if it is stuck in a native call for longer than the start-up grace, the
 *       process stops with status 0 anyway;
 *   <li>while serving: drains on a thread of its own (see {@link StrobeServer#drainAndStop}),
 *       then exits with status 0;
 *   <li>a second signal, during start-up or during the drain: stops the process at once with
 *       status 128 + the signal's number (143 for SIGTERM, 130 for SIGINT), cutting open streams.
 * </ul>
 *
 * <p>Threads: {@link #startupFinished} and {@link #awaitStopped} are called by the main thread,
 * the handlers by the JVM's signal thread; the state is guarded by {@code this}.
 */
final class ShutdownControl {
    private static final Logger log = LoggerFactory.getLogger(ShutdownControl.class);

    private enum State {
        STARTING,
        SERVING,
        STOPPING
    }

    private final Thread main;
    private final Duration startupGrace;
    private final IntConsumer halt;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Guarded by this. */
    private State state = State.STARTING;
    /** Guarded by this. */
    private StrobeServer server;
    /** Guarded by this; the signal that asked to stop, or null. */
    private Signals.Received stopSignal;

    /**
     * @param main the thread that starts the server (interrupted by a signal during start-up)
     * @param startupGrace how long start-up may take to stop after a signal before the process
     *     stops anyway
     * @param halt stops the process with a status at once (Runtime::halt; tests record it)
     */
    ShutdownControl(Thread main, Duration startupGrace, IntConsumer halt) {
        this.main = main;
        this.startupGrace = startupGrace;
        this.halt = halt;
    }

    /** Handles SIGTERM and SIGINT from now on. */
    void install() {
        Signals.install(this::first, this::again);
    }

    synchronized void first(Signals.Received signal) {
        stopSignal = signal;
        switch (state) {
            case STARTING -> {
                log.info("{} during start-up: stopping the start-up", signal.name());
                main.interrupt();
                Thread watchdog = new Thread(this::haltIfStartupHangs, "strobe-startup-watchdog");
                watchdog.setDaemon(true);
                watchdog.start();
            }
            case SERVING -> {
                state = State.STOPPING;
                StrobeServer s = server;
                new Thread(() -> drain(s), "strobe-shutdown").start();
            }
            case STOPPING -> {}
        }
    }

    void again(Signals.Received signal) {
        String during;
        synchronized (this) {
            during = state == State.STARTING ? "start-up" : "the drain";
        }
        log.warn(
                "second signal ({}) during {}: stopping at once with status {}, open streams are cut",
                signal.name(),
                during,
                signal.exitStatus());
        System.err.flush();
        halt.accept(signal.exitStatus());
    }

    /** The signal that asked to stop during start-up, or null. */
    synchronized Signals.Received stopSignal() {
        return stopSignal;
    }

    /**
     * The main thread's start-up is over and {@code s} runs.
     *
     * @return false when a signal asked to stop meanwhile (the caller closes {@code s} and exits)
     */
    synchronized boolean startupFinished(StrobeServer s) {
        Thread.interrupted(); // a signal's interrupt that came too late to stop anything
        if (stopSignal != null) {
            return false;
        }
        server = s;
        state = State.SERVING;
        return true;
    }

    /** Waits until the drain that a signal started has ended. */
    void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private void drain(StrobeServer s) {
        try {
            s.drainAndStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("the drain failed; stopping", e);
        } finally {
            stopped.countDown();
        }
    }

    private void haltIfStartupHangs() {
        try {
            Thread.sleep(startupGrace.toMillis());
        } catch (InterruptedException e) {
            return;
        }
        synchronized (this) {
            if (state != State.STARTING) {
                return;
            }
        }
        log.warn("start-up did not stop within {} (busy in a native call); exiting with status 0 now", startupGrace);
        System.err.flush();
        halt.accept(0);
    }
}
