package dev.strobe.loadtest.soak;

import java.util.Random;

/**
 * What one soak client does with its stream: reads it to the end, cancels it at a random step,
 * never reads it (and relies on its deadline, or on the server's limit for abandoned streams), or
 * sends a request the server must refuse.
 */
enum Behaviour {
    READ,
    CANCEL,
    NEVER_READ,
    HOSTILE;

    /** Draws a behaviour: 10% cancel, 5% never read, 2% hostile, the rest read. */
    static Behaviour draw(Random random) {
        int p = random.nextInt(100);
        if (p < 10) {
            return CANCEL;
        }
        if (p < 15) {
            return NEVER_READ;
        }
        if (p < 17) {
            return HOSTILE;
        }
        return READ;
    }
}
