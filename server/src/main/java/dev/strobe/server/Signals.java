package dev.strobe.server;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT for {@code strobe serve}. The first signal calls {@code first}, the second
 * and later ones call {@code again}, each on the JVM's signal thread (the callbacks must return
 * at once: start longer work on a thread of their own). Handling the signals ourselves replaces
 * the JVM's default, which would run the shutdown hooks and exit with status 143.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    /** What a signal callback learns. */
    record Received(String name, int number) {
        /** The conventional exit status of a process stopped by this signal: 128 + its number. */
        int exitStatus() {
            return 128 + number;
        }
    }

    /** A signal callback. */
    interface Handler {
        void handle(Received signal);
    }

    private Signals() {}

    static void install(Handler first, Handler again) {
        AtomicInteger count = new AtomicInteger();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), sig -> {
                    Received r = new Received("SIG" + name, sig.getNumber());
                    log.info("{} received", r.name());
                    (count.incrementAndGet() == 1 ? first : again).handle(r);
                });
            } catch (IllegalArgumentException e) {
                log.warn("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
    }
}
